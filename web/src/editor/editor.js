// The CodeMirror 6 editor: JavaScript highlighting, completion and hover documentation for
// the mqtt API, syntax errors marked at their line.
import { basicSetup } from 'codemirror';
import { EditorView, hoverTooltip, keymap } from '@codemirror/view';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { javascript, javascriptLanguage } from '@codemirror/lang-javascript';
import { linter, lintGutter } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';
import { indentWithTab } from '@codemirror/commands';
import { mqttCompletions } from './completions.js';
import { HOVER_DOCS } from './mqtt-api.js';

const mqttHover = hoverTooltip((view, pos) => {
  const line = view.state.doc.lineAt(pos);
  const text = line.text;
  let start = pos - line.from;
  let end = start;
  while (start > 0 && /[\w$]/.test(text[start - 1])) start--;
  while (end < text.length && /[\w$]/.test(text[end])) end++;
  if (start === end) return null;
  const word = text.slice(start, end);
  const isEvent = /\.(?:on|once|off)\(\s*['"]$/.test(text.slice(0, start));
  const doc = HOVER_DOCS.get(isEvent ? `event:${word}` : word);
  if (!doc) return null;
  return {
    pos: line.from + start,
    end: line.from + end,
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'cm-mqtt-doc';
      dom.setAttribute('data-testid', 'hover-doc');
      const [head, ...body] = doc.split('\n\n');
      const h = document.createElement('code');
      h.textContent = head;
      const p = document.createElement('p');
      p.textContent = body.join('\n\n');
      dom.append(h, p);
      return { dom };
    },
  };
});

export function createEditor({ parent, doc, dark, onChange, onSyntax, onRun }) {
  const theme = new Compartment();
  // The parser (acorn) is loaded on the first lint, after the page is up.
  const syntaxLinter = linter(async (view) => {
    const { checkSyntax } = await import('./syntax.js');
    const err = checkSyntax(view.state.doc.toString());
    onSyntax(err);
    if (!err) return [];
    const from = Math.min(err.pos, view.state.doc.length);
    const lineEnd = view.state.doc.lineAt(from).to;
    return [{ from, to: Math.max(from, Math.min(lineEnd, from + 1)), severity: 'error', message: `SyntaxError: ${err.message} (line ${err.line})` }];
  }, { delay: 250 });

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        // Above basicSetup's own keymap, which binds Mod-Enter to "insert a blank line".
        Prec.high(keymap.of([
          { key: 'Mod-Enter', run: () => { onRun(); return true; } },
          indentWithTab,
        ])),
        javascript(),
        EditorView.lineWrapping,
        javascriptLanguage.data.of({ autocomplete: mqttCompletions }),
        mqttHover,
        syntaxLinter,
        lintGutter(),
        theme.of(dark ? oneDark : []),
        EditorView.contentAttributes.of({ 'aria-label': 'Script editor', 'data-testid': 'editor' }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
      ],
    }),
  });

  return {
    view,
    get code() { return view.state.doc.toString(); },
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    setDark(isDark) {
      view.dispatch({ effects: theme.reconfigure(isDark ? oneDark : []) });
    },
    goToLine(line) {
      const l = view.state.doc.line(Math.max(1, Math.min(line, view.state.doc.lines)));
      view.dispatch({ selection: { anchor: l.from }, scrollIntoView: true });
      view.focus();
    },
  };
}
