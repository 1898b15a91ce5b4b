import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require("../cli/build.js") as { ensureBuilt(): void };
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { main: string; types: string };

describe("the package as another stack imports it", () => {
    before(() => build.ensureBuilt());

    it("main is plain JavaScript that loads without a TypeScript loader and exports the components", () => {
        const script = `
            const lib = require(${JSON.stringify(path.join(ROOT, pkg.main))});
            const spec = lib.validateConfig({ cloud: "existing", existing: { kubeconfig: "k" },
                mesh: { method: "helm", version: "1.28.1" }, namespaces: [{ name: "apps" }] });
            console.log(JSON.stringify({ revision: spec.revision,
                components: ["MeshEnvironment", "GkeCluster", "AckCluster", "IstioControlPlane", "AsmInstall",
                    "AlibabaMesh", "MeshNamespace", "FormanceSettings", "SidecarCanary"].filter((c) => typeof lib[c] !== "function") }));`;
        const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), { revision: "1-28-1", components: [] });
    });

    it("types point at the library's TypeScript entry", () => {
        assert.equal(pkg.types, "components/index.ts");
        assert.ok(fs.existsSync(path.join(ROOT, pkg.types)));
    });
});
