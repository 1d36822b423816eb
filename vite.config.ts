// The pages: src/web built into dist/web, which `massline serve` sends (src/server/web.ts).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type Rollup } from 'vite';

/** Acceptance of issue #5: the member's voting page loads in under this much compressed JavaScript. */
export const VOTING_PAGE_BUDGET_BYTES = 150 * 1024;
const VOTING_PAGE_MODULE = 'src/web/pages/vote-page.tsx';

export default defineConfig({
  root: 'src/web',
  publicDir: 'public',
  plugins: [react(), precompressAndBudget()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:web` beside `npm start`: the API stays where massline serves it.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});

/**
 * Writes a .br and a .gz beside every text file of the build (served by @fastify/static's
 * preCompressed), then prints what the voting page costs a phone: the gzip size of every
 * JavaScript file it loads (the entry, the page's own chunk, and what both import), and fails
 * the build above the budget.
 */
function precompressAndBudget(): Plugin {
  return {
    name: 'massline:precompress-and-budget',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? '';
      const gzipSize = new Map<string, number>();
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(?:js|css|html|svg|json)$/.test(fileName)) continue;
        const file = path.join(outDir, fileName);
        const content = fs.readFileSync(file);
        const gz = zlib.gzipSync(content, { level: 9 });
        fs.writeFileSync(`${file}.gz`, gz);
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
        gzipSize.set(fileName, gz.length);
      }
      const files = votingPageFiles(bundle);
      const total = files.reduce((sum, f) => sum + (gzipSize.get(f) ?? 0), 0);
      const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      console.log(`\nvoting page JavaScript: ${kB(total)} gzip in ${files.length} files (budget ${kB(VOTING_PAGE_BUDGET_BYTES)})`);
      for (const f of files) console.log(`  ${f.padEnd(48)} ${kB(gzipSize.get(f) ?? 0).padStart(9)}`);
      fs.mkdirSync(path.join(outDir, '.vite'), { recursive: true });
      fs.writeFileSync(
        path.join(outDir, '.vite', 'voting-page.json'),
        JSON.stringify({ files, gzipBytes: total, budgetBytes: VOTING_PAGE_BUDGET_BYTES }, null, 2),
      );
      if (total > VOTING_PAGE_BUDGET_BYTES)
        this.error(`the voting page needs ${kB(total)} of compressed JavaScript, over its budget of ${kB(VOTING_PAGE_BUDGET_BYTES)}`);
    },
  };
}

/** The entry chunk and the voting page's chunk, with every chunk they import statically. */
function votingPageFiles(bundle: Rollup.OutputBundle): string[] {
  const chunks = Object.values(bundle).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const roots = chunks.filter((c) => c.isEntry || c.facadeModuleId?.replaceAll('\\', '/').endsWith(VOTING_PAGE_MODULE));
  if (roots.length < 2) throw new Error(`budget: no chunk for ${VOTING_PAGE_MODULE}; is the page still lazily loaded from its own module?`);
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    const chunk = bundle[fileName];
    if (chunk?.type === 'chunk') chunk.imports.forEach(visit);
  };
  roots.forEach((c) => visit(c.fileName));
  return [...seen].sort();
}
