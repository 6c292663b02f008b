// Parses a script the way the worker will run it (a function body, so top-level return is
// allowed) and reports the first syntax error with its line and column.
import { parse } from 'acorn';

export function checkSyntax(code) {
  try {
    parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true });
    return null;
  } catch (err) {
    if (!(err instanceof SyntaxError) || !err.loc) throw err;
    return {
      message: err.message.replace(/\s*\(\d+:\d+\)$/, ''),
      line: err.loc.line,
      column: err.loc.column + 1,
      pos: err.pos,
    };
  }
}
