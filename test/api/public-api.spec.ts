import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every name exported by a public entry point must carry a JSDoc summary, and no public
// signature may use `any`. Checked with the TypeScript compiler on the sources.

const root = resolve(__dirname, '../..');
const ENTRY_POINTS = ['src/index.ts', 'src/builtins/index.ts', 'src/nest/index.ts', 'src/testing/index.ts', 'src/store-sqlite/index.ts', 'src/bullmq/index.ts', 'src/server/index.ts', 'src/otel/index.ts'];

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('cannot read tsconfig.build.json');
  return ts.createProgram(ENTRY_POINTS.map((e) => resolve(root, e)), config.options);
}

function hasJsDoc(decl: ts.Declaration): boolean {
  // a `const x = …` carries its JSDoc on the variable statement
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  return ts.getJSDocCommentsAndTags(node).some((doc) => ts.isJSDoc(doc) && typeof doc.comment === 'string' ? doc.comment.trim().length > 0 : ts.isJSDoc(doc) && doc.comment !== undefined);
}

describe('public API', () => {
  const prog = program();
  const checker = prog.getTypeChecker();

  for (const entry of ENTRY_POINTS) {
    it(`${entry}: every export has a JSDoc summary and no \`any\` in its signature`, () => {
      const file = prog.getSourceFile(resolve(root, entry));
      expect(file, entry).toBeDefined();
      const moduleSymbol = checker.getSymbolAtLocation(file!)!;
      const missingDoc: string[] = [];
      const withAny: string[] = [];
      const exports = checker.getExportsOfModule(moduleSymbol);
      expect(exports.length).toBeGreaterThan(3);
      for (const exported of exports) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const decls = symbol.getDeclarations() ?? [];
        if (decls.length === 0) continue;
        if (!decls.some((d) => hasJsDoc(d))) missingDoc.push(exported.getName());
        for (const d of decls) {
          const text = d.getText();
          const signature = ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d) ? '' : text.split('{')[0] ?? '';
          if (/(:\s*any\b|<any>|\bany\[\]|as any\b)/.test(signature)) withAny.push(exported.getName());
        }
      }
      expect(missingDoc, `exports without JSDoc in ${entry}`).toEqual([]);
      expect(withAny, `exports with \`any\` in ${entry}`).toEqual([]);
    });
  }
});
