// Completion for the mqtt API: after `mqtt.`, after `client.` (any identifier assigned from
// createClient), inside createClient({ ... }) and publish/subscribe({ ... }), and event names
// in on('...').
import { syntaxTree } from '@codemirror/language';
import {
  CLIENT_METHODS, CREATE_CLIENT_OPTIONS, EVENTS, MODULE_MEMBERS, NETWORK_MEMBERS, PUBLISH_OPTIONS,
} from './mqtt-api.js';

const asMember = (m, type) => ({ label: m.label, type, detail: m.detail, info: m.doc });
const asOption = (o) => ({ label: o.label, type: 'property', detail: o.type, info: o.doc, apply: `${o.label}: ` });

function clientNames(text) {
  const names = new Set(['client']);
  const re = /(?:var|let|const)?\s*([A-Za-z_$][\w$]*)\s*=\s*[\w$.]*createClient\s*\(/g;
  for (let m; (m = re.exec(text));) names.add(m[1]);
  return names;
}

function moduleNames(text, moduleName) {
  const names = new Set([moduleName]);
  const re = new RegExp(`([A-Za-z_$][\\w$]*)\\s*=\\s*require\\(\\s*['"]${moduleName}['"]\\s*\\)`, 'g');
  for (let m; (m = re.exec(text));) names.add(m[1]);
  return names;
}

// The name of the call whose object literal argument contains pos, e.g. "createClient".
function enclosingCall(state, pos) {
  let node = syntaxTree(state).resolveInner(pos, -1);
  for (; node; node = node.parent) {
    if (node.name === 'ObjectExpression') {
      const args = node.parent;
      if (args?.name === 'ArgList' && args.parent?.name === 'CallExpression') {
        const callee = args.parent.firstChild;
        const text = state.sliceDoc(callee.from, callee.to);
        return text.split('.').pop();
      }
      return null;
    }
  }
  return null;
}

export function mqttCompletions(context) {
  const { state, pos } = context;
  const text = state.doc.toString();
  const before = state.sliceDoc(Math.max(0, pos - 200), pos);

  const member = /([A-Za-z_$][\w$]*)\.([\w$]*)$/.exec(before);
  if (member) {
    const [, obj, partial] = member;
    const from = pos - partial.length;
    if (moduleNames(text, 'mqtt').has(obj)) return { from, options: MODULE_MEMBERS.map((m) => asMember(m, 'function')), validFor: /^[\w$]*$/ };
    if (moduleNames(text, 'network').has(obj)) return { from, options: NETWORK_MEMBERS.slice(0, 1).map((m) => asMember(m, 'function')), validFor: /^[\w$]*$/ };
    if (clientNames(text).has(obj)) return { from, options: CLIENT_METHODS.map((m) => asMember(m, 'method')), validFor: /^[\w$]*$/ };
    if (/net/i.test(obj)) return { from, options: NETWORK_MEMBERS.slice(1).map((m) => asMember(m, 'method')), validFor: /^[\w$]*$/ };
    return null;
  }

  const event = /\.(?:on|once|off)\(\s*(['"])(\w*)$/.exec(before);
  if (event) {
    return { from: pos - event[2].length, options: EVENTS.map((e) => ({ label: e.label, type: 'constant', info: e.doc })), validFor: /^\w*$/ };
  }

  const word = context.matchBefore(/[\w$]*/);
  const call = enclosingCall(state, pos);
  if (call && word && (word.from === word.to ? context.explicit || /[{,]\s*$/.test(before) : true)) {
    let options = null;
    if (call === 'createClient') options = CREATE_CLIENT_OPTIONS;
    else if (call === 'publish') options = PUBLISH_OPTIONS;
    else if (call === 'subscribe') options = PUBLISH_OPTIONS.filter((o) => ['topic', 'qos', 'success', 'fail'].includes(o.label));
    else if (call === 'unsubscribe') options = PUBLISH_OPTIONS.filter((o) => o.label === 'topic');
    if (options) return { from: word.from, options: options.map(asOption), validFor: /^[\w$]*$/ };
  }
  return null;
}
