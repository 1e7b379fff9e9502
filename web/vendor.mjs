// Copy the built front-end libraries the dashboard serves into src/sitrep/web/vendor/.
// The copies are committed so that neither `pip install` nor `sitrep serve` needs npm or the network;
// re-run `npm ci && npm run vendor` after changing a version in package.json.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "sitrep", "web", "vendor");
const files = {
  leaflet: ["dist/leaflet.js", "dist/leaflet.css"],
  d3: ["dist/d3.min.js"],
  "topojson-client": ["dist/topojson-client.min.js"],
  "world-atlas": ["countries-50m.json"],
  "swagger-ui-dist": ["swagger-ui-bundle.js", "swagger-ui.css"],
};

mkdirSync(out, { recursive: true });
const manifest = {};
const licenses = [];
for (const [pkg, paths] of Object.entries(files)) {
  const root = join(here, "node_modules", pkg);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  manifest[pkg] = { version: meta.version, license: meta.license, files: paths.map((p) => p.split("/").pop()) };
  for (const p of paths) copyFileSync(join(root, p), join(out, p.split("/").pop()));
  licenses.push(`== ${pkg} ${meta.version} (${meta.license}) ==\n\n${readFileSync(join(root, "LICENSE"), "utf8")}`);
}
writeFileSync(join(out, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
writeFileSync(join(out, "LICENSES.txt"), licenses.join("\n\n"));
console.log(`vendored ${Object.keys(manifest).length} packages into ${out}`);
