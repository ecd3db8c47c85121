// Builds the npm package's contents into build/npm/ (run by `npm pack` through "prepack"): the
// runtime as one ES module, and its type declarations. build/npm/package.json says
// "type": "module" for that folder only: at the repository's root it would make Node load
// JupyterLab's bundled yarn.js (in .venv) as an ES module.
//
// The declarations are tsc's, with ".js" added to their relative imports: a user's project that
// resolves modules the way Node does ("moduleResolution": "node16" / "nodenext") finds nothing
// behind an extensionless relative import in an ES module's declarations.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/npm");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), `${JSON.stringify({ type: "module" }, null, 2)}\n`);

await esbuild.build({
  entryPoints: [join(root, "frontend/src/index.ts")],
  outfile: join(out, "index.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  define: { __IPYCALLBACK_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: `// ipycallback ${pkg.version}: the npm package's runtime, built by esbuild.` },
  logLevel: "warning",
});

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const types = join(out, "types");
const project = join(root, "frontend/tsconfig.npm.json");
execFileSync(process.execPath, [tsc, "-p", project, "--declarationDir", types], {
  stdio: "inherit",
});

// "./x" -> "./x.js" or "./x/index.js", whichever declaration exists.
const RELATIVE = /((?:from|import)\s*\(?\s*)"(\.{1,2}\/[^"]*)"/g;
function withExtensions(file) {
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(RELATIVE, (match, lead, spec) => {
    if (spec.endsWith(".js")) return match;
    const base = join(dirname(file), spec);
    if (existsSync(`${base}.d.ts`)) return `${lead}"${spec}.js"`;
    if (existsSync(join(base, "index.d.ts"))) return `${lead}"${spec}/index.js"`;
    throw new Error(`${file}: no declaration for ${spec}`);
  });
  if (fixed !== text) writeFileSync(file, fixed);
}
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith(".d.ts")) withExtensions(path);
  }
}
walk(types);
