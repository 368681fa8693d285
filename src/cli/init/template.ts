/** @internal the files `routilux init` writes, by relative path. */
export function projectFiles(name: string, version: string): Record<string, string> {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'routilux run flows/hello.yaml -p name=world',
      test: 'node --import tsx --test test/hello.spec.ts',
      validate: 'routilux validate flows/hello.yaml',
    },
    routilux: { imports: ['./src/routines.ts'], flows: 'flows' },
    dependencies: { routilux: `^${version}` },
    devDependencies: { '@types/node': '^20.19.0', tsx: '^4.20.0', typescript: '^5.9.0' },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src', 'test'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\njobs/\n',
    'src/routines.ts': `import { Event, Routine, RoutineBase, Slot, event, type ExecutionContext } from 'routilux';

/** Greets whoever the job names, and keeps the greeting in the job's shared data. */
@Routine({ name: 'hello.Greeter' })
export class Greeter extends RoutineBase {
  @Event('greeted') readonly greeted = event<{ message: string }>();

  @Slot('trigger')
  greet(data: { name?: string }, ctx: ExecutionContext): void {
    const message = \`\${String(this.getConfig('greeting', 'Hello'))}, \${data.name ?? 'world'}!\`;
    ctx.jobState.updateSharedData('greeting', message);
    this.greeted.emit({ message });
  }
}
`,
    'flows/hello.yaml': `# yaml-language-server: $schema=../node_modules/routilux/schema/flow.schema.json
# A flow document: routines by id (their registered type and config) and connections.
# Check it with \`npm run validate\`; run it with \`npm start\` (routilux run flows/hello.yaml).
version: 1
flowId: hello
routines:
  greet:
    type: hello.Greeter
    config:
      greeting: Hello
connections: []
`,
    'test/hello.spec.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFlowFile } from 'routilux';
import '../src/routines.ts';

test('the hello flow greets the name it is given', async () => {
  const flow = await loadFlowFile(new URL('../flows/hello.yaml', import.meta.url).pathname);
  const job = await flow.execute('greet', { name: 'tests' });
  assert.equal(job.status, 'completed');
  assert.equal(job.getSharedData('greeting'), 'Hello, tests!');
});
`,
    'README.md': `# ${name}

A [routilux](https://www.npmjs.com/package/routilux) project.

\`\`\`sh
npm install
npm start         # runs flows/hello.yaml through the routilux CLI
npm test          # node:test with tsx
npx routilux list routines
\`\`\`

Routine classes live in \`src/routines.ts\`; the CLI loads them through the \`"routilux".imports\`
key of package.json. Flow documents live in \`flows/\`.
`,
  };
}
