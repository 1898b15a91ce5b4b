// The benchmark's helpers (bench/measure.ts) and its preview floor (bench/floor-preview.js): the median, what a
// measured run reports, which modules a run loads. No timing is asserted here: the figures are `npm run bench`'s
// business.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeInputs } from "../../bench/generate";
import { loadedModules, measureRounds, median, NOT_FOR_AUDIT } from "../../bench/measure";

const ROOT = path.resolve(__dirname, "../..");

describe("bench: helpers", () => {
    const medians: Array<[number[], number]> = [
        [[3], 3],
        [[5, 1, 3], 3],
        [[4, 1, 3, 2], 2.5],
    ];
    for (const [values, expected] of medians) {
        it(`median of [${values.join(", ")}] is ${expected}`, () => assert.equal(median(values), expected));
    }

    it("the compiled audit loads no Pulumi SDK, gRPC or TypeScript compiler, only our bundle", function () {
        // The bundle `npm ci`'s prepare built, run as cli/nativemesh.js runs it (by requiring it), but without the
        // launcher: in a development checkout the launcher rebuilds a bundle older than the sources, which would
        // load esbuild into the measured process. test/package.spec.ts runs the launcher of an installed copy.
        const bundle = path.join(ROOT, "dist", "nativemesh.js");
        if (!fs.existsSync(bundle)) {
            console.log(`    skipped: ${bundle} is missing (npm ci or npm run build makes it)`);
            this.skip();
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nativemesh-bench-spec-"));
        try {
            const { exports } = writeInputs(dir, [50], []);
            const modules = loadedModules(
                [process.execPath, bundle, "audit", "--state", exports.get(50)!, "--json"],
                ROOT,
            );
            assert.deepEqual(
                modules.filter((file) => NOT_FOR_AUDIT.test(file)),
                [],
            );
            assert.ok(modules.includes(path.join(ROOT, "dist", "nativemesh.js")), modules.join("\n"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const rssReport = path.join(os.tmpdir(), `nativemesh-bench-rss-${process.pid}`);
    it("measures a run's wall time and peak memory, and leaves no memory report behind", () => {
        const [run] = measureRounds([{ command: [process.execPath, "-e", "Buffer.alloc(64e6, 1)"], runs: 1 }], ROOT);
        assert.equal(run.runsMs.length, 1);
        assert.ok(run.peakRssMb > 64, `peak ${run.peakRssMb} MB for a 64 MB buffer`);
        assert.equal(fs.existsSync(rssReport), false);
    });

    it("a command that fails is reported with its exit status, and its memory report is removed all the same", () => {
        assert.throws(
            () => measureRounds([{ command: [process.execPath, "-e", "process.exit(4)"], runs: 1 }], ROOT),
            /-e process\.exit\(4\): exit 4/,
        );
        assert.equal(fs.existsSync(rssReport), false);
    });

    it("NOT_FOR_AUDIT names the SDK, gRPC and the compilers, and not our own files", () => {
        const cases: Array<[string, boolean]> = [
            ["/p/node_modules/@pulumi/pulumi/index.js", true],
            ["/p/node_modules/@grpc/grpc-js/build/src/index.js", true],
            ["/p/node_modules/typescript/lib/typescript.js", true],
            ["/p/node_modules/esbuild/lib/main.js", true],
            ["/p/node_modules/tsx/dist/cjs/index.cjs", true],
            ["/p/dist/nativemesh.js", false],
            ["/p/node_modules/yaml/dist/index.js", false],
        ];
        for (const [file, unwanted] of cases) assert.equal(NOT_FOR_AUDIT.test(file), unwanted, file);
    });

    it("the preview floor loads every class the preview declares, and exits 0", () => {
        const run = spawnSync(process.execPath, [path.join(ROOT, "bench", "floor-preview.js")], {
            cwd: ROOT,
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.equal(run.status, 0, run.stderr);
    });
});
