import * as assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    main: string;
    types: string;
    bin: Record<string, string>;
    exports: Record<string, unknown>;
};

function run(command: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
    return spawnSync(command, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, NATIVEMESH_DEBUG: "" } });
}

const report = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`.slice(0, 4000);

/**
 * The packed package, installed into a scratch project as `npm install ./nativemesh-0.2.0.tgz` would: the
 * tarball unpacked into node_modules/nativemesh, its bin linked, and its dependencies (and TypeScript, for the
 * consumer) linked from this checkout's node_modules, so nothing is downloaded. esbuild and tsx are left out:
 * an installed copy must not need them.
 */
describe("the packed package, installed into another project", function () {
    this.timeout(600_000);
    let scratch: string;
    let installed: string;
    let bin: string;

    before(function () {
        // What `npm ci`'s prepare built (cli/build.js): packed as it is, never rebuilt here.
        const missing = [pkg.main, pkg.types, "dist/nativemesh.js"].filter((f) => !fs.existsSync(path.join(ROOT, f)));
        if (missing.length > 0) {
            console.log(`    skipped: ${missing.join(", ")} missing (npm ci or npm run build makes them)`);
            this.skip();
        }
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-consumer-"));
        const pack = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], ROOT);
        assert.equal(pack.status, 0, report(pack));
        const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
        const modules = path.join(scratch, "node_modules");
        installed = path.join(modules, "nativemesh");
        fs.mkdirSync(installed, { recursive: true });
        const untar = run("tar", ["-xzf", path.join(scratch, filename), "-C", installed, "--strip-components=1"], ROOT);
        assert.equal(untar.status, 0, report(untar));
        // What `npm install` would put beside it: the dependencies, and what the consumer itself uses.
        const buildTools = new Set(["esbuild", "@esbuild", "tsx", "nativemesh"]);
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
            if (entry.startsWith(".") || buildTools.has(entry)) continue;
            fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
        }
        fs.mkdirSync(path.join(modules, ".bin"));
        bin = path.join(modules, ".bin", "nativemesh");
        fs.symlinkSync(path.join("..", "nativemesh", pkg.bin.nativemesh), bin);
        fs.chmodSync(path.join(installed, pkg.bin.nativemesh), 0o755);
        // As unpacked from a tarball, every source is as new as the build or newer: nothing may rebuild.
        const later = new Date(Date.now() + 60_000);
        for (const dir of ["cli", "components", "policy"]) {
            for (const file of fs.readdirSync(path.join(installed, dir))) {
                if (file.endsWith(".ts")) fs.utimesSync(path.join(installed, dir, file), later, later);
            }
        }
    });

    after(() => {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("ships declaration files and JavaScript, not TypeScript sources, as its library entry", () => {
        assert.equal(pkg.types, "dist/types/components/index.d.ts");
        assert.deepEqual(pkg.exports["."], { types: "./dist/types/components/index.d.ts", default: "./dist/lib.js" });
        assert.ok(fs.existsSync(path.join(installed, pkg.types)));
        assert.ok(fs.existsSync(path.join(installed, pkg.main)));
        const declarations = fs
            .readdirSync(path.join(installed, "dist", "types"), { recursive: true, encoding: "utf8" })
            .filter((file) => file.endsWith(".d.ts"));
        assert.ok(declarations.length > 10, declarations.join(" "));
        for (const file of declarations) {
            assert.doesNotMatch(fs.readFileSync(path.join(installed, "dist", "types", file), "utf8"), /from "zod"/);
        }
    });

    it("type-checks a consumer under strict settings without skipLibCheck; a misspelt key fails to compile", () => {
        fs.writeFileSync(
            path.join(scratch, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    strict: true,
                    exactOptionalPropertyTypes: true,
                    noUncheckedIndexedAccess: true,
                    target: "ES2020",
                    module: "commonjs",
                    moduleResolution: "node",
                    noEmit: true,
                    types: ["node"],
                },
                files: ["index.ts"],
            }),
        );
        fs.writeFileSync(
            path.join(scratch, "index.ts"),
            [
                'import * as nativemesh from "nativemesh";',
                "const spec = nativemesh.defineEnvironment({",
                '    cloud: "existing",',
                '    existing: { kubeconfig: "~/.kube/config" },',
                '    mesh: { method: "helm", version: "1.28.1" },',
                '    namespaces: [{ name: "payments" }],',
                "});",
                "// @ts-expect-error: a misspelt key is a compile error",
                'nativemesh.defineEnvironment({ cloud: "existing", mesh: { methd: "helm", version: "1.28.1" } });',
                'const env = new nativemesh.MeshEnvironment("mesh", { spec });',
                "export const revision: string | undefined = env.revision;",
                "export const replicas: number | undefined = spec.gke?.nodePools[0]?.minNodes;",
                "",
            ].join("\n"),
        );
        const tsc = run(
            process.execPath,
            [path.join(scratch, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
            scratch,
        );
        assert.equal(tsc.status, 0, report(tsc));
    });

    it("loads as plain JavaScript and exports the components", () => {
        const script = `const lib = require("nativemesh");
            const spec = lib.defineEnvironment({ cloud: "existing", existing: { kubeconfig: "k" },
                mesh: { method: "helm", version: "1.28.1" }, namespaces: [{ name: "apps" }] });
            console.log(JSON.stringify({ revision: spec.revision,
                missing: ["MeshEnvironment", "GkeCluster", "AckCluster", "IstioControlPlane", "AsmInstall",
                    "AlibabaMesh", "MeshNamespace", "FormanceSettings", "SidecarCanary"].filter((c) => typeof lib[c] !== "function") }));`;
        const r = run(process.execPath, ["-e", script], scratch);
        assert.equal(r.status, 0, report(r));
        assert.deepEqual(JSON.parse(r.stdout), { revision: "1-28-1", missing: [] });
    });

    it("its nativemesh command runs what it ships, without esbuild, whatever the sources' dates", () => {
        const help = run(bin, ["--help"], scratch);
        assert.equal(help.status, 0, report(help));
        assert.match(help.stdout, /nativemesh preview/);
        fs.writeFileSync(
            path.join(scratch, "Pulumi.mine.yaml"),
            [
                "config:",
                "  nativemesh:cloud: existing",
                "  nativemesh:existing:",
                "    kubeconfig: Pulumi.mine.yaml",
                "  nativemesh:mesh:",
                "    method: helm",
                '    version: "1.28.1"',
                "  nativemesh:namespaces:",
                "    - name: payments",
                "",
            ].join("\n"),
        );
        const preview = run(bin, ["preview", "--config", "Pulumi.mine.yaml", "--json"], scratch);
        assert.equal(preview.status, 0, report(preview));
        const plan = JSON.parse(preview.stdout) as { stack: string; resources: Array<{ type: string }> };
        assert.equal(plan.stack, "mine");
        assert.ok(plan.resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release"));
        assert.doesNotMatch(preview.stderr, /esbuild|at .*\(/);
    });
});
