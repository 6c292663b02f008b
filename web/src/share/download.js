// Saves the script as app.js, the name a device's runtime expects.
export function downloadScript(code, name = 'app.js') {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
