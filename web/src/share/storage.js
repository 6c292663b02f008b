// Keeps the script and the settings across reloads (localStorage; absent storage is fine).
const KEY = 'mqtt-playground:v1';

export function loadSaved() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '{}') || {};
  } catch {
    return {};
  }
}

export function save(patch) {
  try {
    const next = { ...loadSaved(), ...patch };
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    /* private mode or full: the script still lives in the editor */
  }
}
