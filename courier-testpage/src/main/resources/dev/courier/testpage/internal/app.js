// The Courier test page: lists the host's operations (/api/contracts), builds a form per operation from its type
// tree, and calls it (/api/invoke). Plain JavaScript, no build step. Every input carries data-path, the parameter's
// name followed by field names and [index]es: "order.lines[0].sku".
'use strict';

let catalog = null;
let current = null;       // {endpoint, operation, editors: [{slot, editor}]}

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function typeName(type) {
  switch (type.kind) {
    case 'record': case 'enum': return type.name;
    case 'list': return 'list of ' + typeName(type.item.type);
    case 'map': return 'map ' + typeName(type.key.type) + ' \u2192 ' + typeName(type.value.type);
    case 'bytes': return 'bytes (base64)';
    default: return type.xsd || type.kind;
  }
}

// An editor: {node, value()}. "seen" holds the records on the way down, so a recursive record starts unset.
function editor(type, path, seen) {
  switch (type.kind) {
    case 'boolean': {
      const input = el('input', {type: 'checkbox', 'data-path': path, 'data-kind': 'boolean'});
      return {node: input, value: () => input.checked};
    }
    case 'integer': case 'number': {
      const input = el('input', {type: 'number', step: type.kind === 'integer' ? '1' : 'any', value: '0',
        'data-path': path, 'data-kind': type.kind});
      return {node: input, value: () => {
        const text = input.value.trim();
        if (text === '') return 0;
        const n = Number(text);
        return Number.isNaN(n) || (type.kind === 'integer' && !Number.isSafeInteger(n)) ? text : n;
      }};
    }
    case 'bytes': {
      const input = el('input', {type: 'text', className: 'bytes', placeholder: 'base64, such as AAEC/w==',
        'data-path': path, 'data-kind': 'bytes'});
      return {node: input, value: () => input.value.trim()};
    }
    case 'enum': {
      const select = el('select', {'data-path': path, 'data-kind': 'enum'});
      for (const v of type.values) select.append(el('option', {value: v, text: v}));
      return {node: select, value: () => select.value};
    }
    case 'record': return recordEditor(type, path, seen);
    case 'list': return listEditor(type, path, seen);
    case 'map': return mapEditor(type, path, seen);
    default: {
      const input = el('input', {type: 'text', 'data-path': path, 'data-kind': 'string'});
      return {node: input, value: () => input.value};
    }
  }
}

function recordEditor(type, path, seen) {
  const record = catalog.types[type.ref];
  const box = el('fieldset', {'data-record': path});
  box.append(el('legend', {text: type.name}));
  const inner = new Set(seen).add(type.ref);
  const fields = record.fields.map((f) => ({slot: f, editor: slotEditor(f, path + '.' + f.name, inner)}));
  fields.forEach((f) => box.append(f.editor.node));
  return {node: box, value: () => Object.fromEntries(fields.map((f) => [f.slot.name, f.editor.value()]))};
}

// A list or a map: entries added and removed with buttons. Removing one moves the later ones up: their paths follow.
// "build(entryPath, index)" makes an entry's editors and returns {nodes, value()}.
function entriesEditor(type, path, kind, build) {
  const box = el('fieldset', {['data-' + kind]: path});
  const entries = [];
  const add = el('button', {type: 'button', 'data-add': path, text: kind === 'map' ? '+ add entry' : '+ add item'});
  const holder = el('div');
  box.append(el('legend', {text: typeName(type)}), holder, add);
  add.addEventListener('click', () => {
    const entryPath = path + '[' + entries.length + ']';
    const entry = Object.assign({path: entryPath, node: el('div', {className: 'item', 'data-item': entryPath})},
      build(entryPath, entries.length));
    const remove = el('button', {type: 'button', className: 'remove', 'data-remove': entryPath, text: 'remove'});
    remove.addEventListener('click', () => {
      entries.splice(entries.indexOf(entry), 1);
      entry.node.remove();
      entries.forEach((e, i) => {
        retarget(e, path + '[' + i + ']');
        if (kind === 'list') e.node.querySelector('label > span').textContent = '[' + i + ']';
      });
    });
    entry.node.append(...entry.nodes, remove);
    entries.push(entry);
    holder.append(entry.node);
  });
  return {node: box, entries};
}

function listEditor(type, path, seen) {
  const list = entriesEditor(type, path, 'list', (entryPath, index) => {
    const item = slotEditor(Object.assign({}, type.item, {name: '[' + index + ']'}), entryPath, seen);
    return {nodes: [item.node], value: item.value};
  });
  return {node: list.node, value: () => list.entries.map((e) => e.value())};
}

function mapEditor(type, path, seen) {
  const map = entriesEditor(type, path, 'map', (entryPath) => {
    const key = slotEditor(Object.assign({}, type.key, {name: 'key'}), entryPath + '.key', seen);
    const value = slotEditor(Object.assign({}, type.value, {name: 'value'}), entryPath + '.value', seen);
    return {nodes: [key.node, value.node], value: () => [String(key.value()), value.value()]};
  });
  return {node: map.node, value: () => Object.fromEntries(map.entries.map((e) => e.value()))};
}

// After a removal the items after it move up: their paths (and their children's) change with them.
function retarget(item, path) {
  if (item.path === path) return;
  const old = item.path;
  for (const node of [item.node, ...item.node.querySelectorAll('*')]) {
    for (const attr of ['data-path', 'data-set', 'data-null', 'data-add', 'data-remove', 'data-list', 'data-map', 'data-record', 'data-item']) {
      const v = node.getAttribute(attr);
      if (v !== null && (v === old || v.startsWith(old + '.') || v.startsWith(old + '['))) {
        node.setAttribute(attr, path + v.substring(old.length));
      }
    }
  }
  item.path = path;
}

// A parameter, a field or an item: a label, then its editor. A value that may be absent (Optional) has a "set"
// checkbox, off at first; a reference that may be null has a "null" checkbox, on at first only for a record that
// contains itself (else the form would never end).
function slotEditor(slot, path, seen) {
  const wrap = el('div', {className: 'slot', 'data-slot': path});
  const simple = !['record', 'list', 'map'].includes(slot.type.kind);
  const label = el('label', {}, el('span', {text: slot.name}), simple ? el('span', {className: 'type', text: typeName(slot.type)}) : null);
  wrap.append(label);
  if (!slot.optional && !slot.nullable) {
    const e = editor(slot.type, path, seen);
    wrap.append(e.node);
    return {node: wrap, value: e.value};
  }
  const recursive = slot.type.kind === 'record' && seen.has(slot.type.ref);
  const box = slot.optional ? el('input', {type: 'checkbox', 'data-set': path}) : el('input', {type: 'checkbox', 'data-null': path});
  label.append(el('label', {className: 'set'}, box, document.createTextNode(slot.optional ? ' set' : ' null')));
  let inner = null;
  const holder = el('div');
  wrap.append(holder);
  const present = () => (slot.optional ? box.checked : !box.checked);
  const toggle = () => {
    if (present() && !inner) {
      inner = editor(slot.type, path, seen);
      holder.append(inner.node);
    } else if (!present() && inner) {
      inner.node.remove();
      inner = null;
    }
  };
  box.addEventListener('change', toggle);
  box.checked = !slot.optional && recursive;
  toggle();
  return {node: wrap, value: () => (inner ? inner.value() : null)};
}

function showOperation(endpoint, operation, link) {
  document.querySelectorAll('nav a.op.selected').forEach((a) => a.classList.remove('selected'));
  link.classList.add('selected');
  $('empty').hidden = true;
  $('operation').hidden = false;
  $('result').hidden = true;
  $('operation-title').textContent = endpoint.contract + '.' + operation.name;
  const faults = operation.faults.length ? ', faults: ' + operation.faults.join(', ') : '';
  const result = operation.result ? ', returns ' + typeName(operation.result.type) : '';
  $('operation-info').textContent = operation.pattern.toLowerCase().replace('_', '/') + result + faults + ' \u2014 ' + endpoint.address;
  const params = $('parameters');
  params.replaceChildren();
  const editors = operation.parameters.map((p) => ({slot: p, editor: slotEditor(p, p.name, new Set())}));
  editors.forEach((e) => params.append(e.editor.node));
  if (!editors.length) params.append(el('p', {className: 'muted', text: 'No parameters.'}));
  current = {endpoint, operation, editors};
}

function show(outcome, body) {
  const result = $('result');
  result.hidden = false;
  result.dataset.outcome = outcome;
  $('outcome').textContent = outcome;
  for (const id of ['result-panel', 'fault-panel', 'error-panel', 'wire-panel']) $(id).hidden = true;
  $('elapsed').textContent = body.elapsedMicros !== undefined ? (body.elapsedMicros / 1000).toFixed(3) + ' ms' : '';
  $('elapsed').dataset.micros = body.elapsedMicros !== undefined ? body.elapsedMicros : '';
  if (outcome === 'result') {
    $('result-panel').hidden = false;
    $('result-json').textContent = JSON.stringify(body.result, null, 2);
  } else if (outcome === 'sent') {
    $('result-panel').hidden = false;
    $('result-json').textContent = 'one-way: sent, no reply';
  } else if (outcome === 'fault') {
    $('fault-panel').hidden = false;
    $('fault-code').textContent = body.fault.code;
    $('fault-reason').textContent = body.fault.reason;
    $('fault-detail').textContent = body.fault.detail === null ? '(none)'
      : (body.fault.detailType ? body.fault.detailType + ' ' : '') + JSON.stringify(body.fault.detail, null, 2);
  } else {
    $('error-panel').hidden = false;
    $('error').textContent = outcome === 'failure' ? body.failure.type + ': ' + body.failure.message : body.error;
  }
  if (body.request !== undefined) {
    $('wire-panel').hidden = false;
    $('request').textContent = body.request;
    $('response').textContent = body.response;
    $('request').dataset.wire = body.wire;
  }
}

async function invoke(event) {
  event.preventDefault();
  if (!current) return;
  const args = Object.fromEntries(current.editors.map((e) => [e.slot.name, e.editor.value()]));
  const button = $('invoke');
  button.disabled = true;
  $('result').dataset.outcome = 'pending';
  try {
    const response = await fetch('/api/invoke', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({endpoint: current.endpoint.index, contract: current.endpoint.contract,
        operation: current.operation.name, arguments: args})});
    const body = await response.json();
    show(response.ok ? body.outcome : 'error', body);
  } catch (e) {
    show('error', {error: 'the page could not reach the host: ' + e});
  } finally {
    button.disabled = false;
  }
}

async function load() {
  const nav = $('contracts');
  try {
    const response = await fetch('/api/contracts');
    catalog = await response.json();
  } catch (e) {
    nav.replaceChildren(el('p', {text: 'Cannot load the contracts: ' + e}));
    return;
  }
  $('service').textContent = catalog.service;
  nav.replaceChildren();
  for (const endpoint of catalog.endpoints) {
    nav.append(el('h3', {text: endpoint.contract}), el('div', {className: 'address', text: endpoint.address}));
    const list = el('ul');
    for (const operation of endpoint.operations) {
      const link = el('a', {className: 'op', href: '#', 'data-endpoint': String(endpoint.index), 'data-operation': operation.name},
        document.createTextNode(operation.name),
        el('span', {className: 'pattern', text: operation.pattern === 'ONE_WAY' ? 'one-way' : ''}));
      link.addEventListener('click', (e) => { e.preventDefault(); showOperation(endpoint, operation, link); });
      list.append(el('li', {}, link));
    }
    nav.append(list);
  }
  nav.dataset.loaded = 'true';
}

$('invoke-form').addEventListener('submit', invoke);
load();
