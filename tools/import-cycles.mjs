// Import circles in src/: every relative import (type-only ones too) of every .ts/.tsx file,
// resolved as the compiler does (`./x.js` is `./x.ts`, `./x.tsx` or `./x/index.ts`); each set of
// files that import one another round in a circle is printed, and the exit code says whether any was found.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? 'src');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier).replace(/\.(js|jsx|mjs)$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

const files = sourceFiles(root);
const imports = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    return [file, [...new Set(importedFiles.map((i) => resolve(file, i.fileName)).filter((f) => f !== null))]];
  }),
);

// Tarjan's strongly connected components: a component of more than one file (or a file importing itself) is a circle.
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const circles = [];
let next = 0;
function visit(file) {
  index.set(file, next);
  low.set(file, next++);
  stack.push(file);
  onStack.add(file);
  for (const to of imports.get(file) ?? []) {
    if (!index.has(to)) {
      visit(to);
      low.set(file, Math.min(low.get(file), low.get(to)));
    } else if (onStack.has(to)) low.set(file, Math.min(low.get(file), index.get(to)));
  }
  if (low.get(file) === index.get(file)) {
    const component = [];
    let f;
    do {
      f = stack.pop();
      onStack.delete(f);
      component.push(f);
    } while (f !== file);
    if (component.length > 1 || (imports.get(file) ?? []).includes(file)) circles.push(component);
  }
}
for (const file of files) if (!index.has(file)) visit(file);

for (const circle of circles)
  console.log(
    `import circle: ${circle
      .map((f) => path.relative(process.cwd(), f))
      .sort()
      .join(' ↔ ')}`,
  );
console.log(`${files.length} files, ${circles.length} import circle${circles.length === 1 ? '' : 's'}`);
process.exitCode = circles.length === 0 ? 0 : 1;
