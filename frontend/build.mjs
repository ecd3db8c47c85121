// Builds the widget's ESM bundle into the Python package; with --tests, the front-end tests too.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  define: { __IPYCALLBACK_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
};

await esbuild.build({
  ...common,
  entryPoints: [join(root, "frontend/src/index.ts")],
  outfile: process.env.IPYCALLBACK_BUNDLE_OUT ?? join(root, "ipycallback/static/tunnel.js"),
  banner: { js: `// ipycallback ${pkg.version}: built from frontend/src by esbuild; do not edit.` },
});

if (process.argv.includes("--tests")) {
  const testDir = join(root, "frontend/test");
  const tests = readdirSync(testDir).filter((name) => name.endsWith(".test.ts"));
  await esbuild.build({
    ...common,
    platform: "node",
    entryPoints: tests.map((name) => join(testDir, name)),
    outdir: join(root, "build/frontend-tests"),
    outExtension: { ".js": ".mjs" },
  });
  // A line-protocol CLI around the validator, for the Python tests that compare it with msgspec.
  await esbuild.build({
    ...common,
    platform: "node",
    entryPoints: [join(root, "frontend/tools/validate-stdin.ts")],
    outfile: join(root, "build/tools/validate-stdin.mjs"),
  });
}
