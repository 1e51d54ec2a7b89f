// Keeps the architecture's layers apart (see docs/ARCHITECTURE.md):
// every import inside src/ is resolved to the layer it lands in and checked against an allow-list,
// and bare imports of `electron` or Node built-ins are refused where that layer must not use them.
// The database has one owner: only src/core/library imports better-sqlite3 (types too), so every
// statement lives there, as a named method, and nothing else holds SQL.
import path from 'node:path';
import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** layer → which of our layers it may import, and whether electron / Node built-ins are allowed */
export const LAYERS = {
  shared: { may: ['shared'], electron: false, node: false },
  core: { may: ['shared', 'core'], electron: false, node: true },
  sim: { may: ['shared', 'sim'], electron: false, node: true },
  server: { may: ['shared', 'core', 'sim', 'server'], electron: false, node: true },
  main: { may: ['shared', 'core', 'sim', 'main'], electron: true, node: true },
  preload: { may: ['shared', 'preload'], electron: true, node: false },
  renderer: { may: ['shared', 'renderer'], electron: false, node: false },
};

/** The one folder under src/ whose files may import better-sqlite3. */
export const SQL_OWNER = path.join('core', 'library');

function isSqlDriver(spec) {
  return spec === 'better-sqlite3' || spec.startsWith('better-sqlite3/');
}

function layerOf(absPath, srcRoot) {
  const rel = path.relative(srcRoot, absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep)[0] ?? null;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'keep src/ layers apart' },
    messages: {
      layer: "The '{{from}}' layer may not import from '{{to}}' ({{spec}}); it may use: {{may}}.",
      electron: "The '{{from}}' layer may not import electron.",
      node: "The '{{from}}' layer may not import the Node built-in '{{spec}}'.",
      sql: 'Only src/core/library may import {{spec}}: add a named method to the Library instead.',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const srcRoot = path.join(context.cwd, 'src');
    const from = layerOf(file, srcRoot);
    const rules = from ? LAYERS[from] : undefined;
    if (!rules) return {};
    const ownsSql = !path.relative(path.join(srcRoot, SQL_OWNER), file).startsWith('..');
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const to = layerOf(path.resolve(path.dirname(file), spec), srcRoot);
        if (to && !rules.may.includes(to)) {
          context.report({ node, messageId: 'layer', data: { from, to, spec, may: rules.may.join(', ') } });
        }
      } else if (isSqlDriver(spec)) {
        if (!ownsSql) context.report({ node, messageId: 'sql', data: { spec } });
      } else if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!rules.electron) context.report({ node, messageId: 'electron', data: { from } });
      } else if (builtins.has(spec) || builtins.has(spec.split('/')[0])) {
        if (!rules.node) context.report({ node, messageId: 'node', data: { from, spec } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      // `typeof import('better-sqlite3')` in a type.
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.argument?.value),
    };
  },
};
