import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readProject } from "../../cli/project";
import { loadProjectStackFile, loadStackFile } from "../../cli/stackFile";
import { tempDir } from "../support/tempDir";

const EXISTING = [
    "  nativemesh:cloud: existing",
    "  nativemesh:existing:",
    "    kubeconfig: /dev/null",
    "  nativemesh:mesh:",
    "    method: helm",
    '    version: "1.28.1"',
];

function stackFile(lines: string[]): string {
    const file = path.join(tempDir("stackfile"), "Pulumi.t.yaml");
    fs.writeFileSync(file, ["config:", ...lines, ""].join("\n"));
    return file;
}

const problem = (load: () => unknown) => {
    try {
        load();
    } catch (error) {
        return (error as Error).message;
    }
    return "";
};

describe("cli/stackFile: what users get wrong in a stack file", () => {
    it("warns about a key of ours without the nativemesh: prefix, not about other namespaces' keys", () => {
        const file = stackFile([
            ...EXISTING,
            "  canary:",
            "    enabled: false",
            "  gcp:project: p",
            "  kubernetes:context: c",
            "  shop:mesh: x",
        ]);
        const loaded = loadStackFile({ config: file });
        assert.deepEqual(loaded.warnings, [
            `${file}: canary: not read: nativemesh reads nativemesh:canary (keys are <namespace>:<name>)`,
        ]);
    });

    it("says what a stack export, a preview's JSON or a Pulumi.yaml given as --config is", () => {
        const dir = tempDir("notstack");
        const exportFile = path.join(dir, "state.json");
        fs.writeFileSync(exportFile, JSON.stringify({ version: 3, deployment: { resources: [] } }));
        assert.match(
            problem(() => loadStackFile({ config: exportFile })),
            /state\.json: this is a stack export \(`pulumi stack export`\), not a stack file: check it with `nativemesh audit --state FILE`/,
        );
        const project = path.join(dir, "Pulumi.yaml");
        fs.writeFileSync(project, "name: shop\nruntime: nodejs\n");
        assert.match(
            problem(() => loadStackFile({ config: project })),
            /Pulumi\.yaml: this is a Pulumi project file \(Pulumi\.yaml\), not a stack file/,
        );
        const preview = path.join(dir, "plan.json");
        fs.writeFileSync(preview, JSON.stringify({ stack: "dev", resources: [], violations: [] }));
        assert.match(
            problem(() => loadStackFile({ config: preview })),
            /this is a preview's JSON output, not a stack file/,
        );
    });

    it("an encrypted value on a key that cannot be secret gets the refusal naming the key, not 'malformed'", () => {
        const file = stackFile(["  nativemesh:cloud:", "    secure: v1:AAAA", ...EXISTING.slice(1)]);
        const message = problem(() => loadStackFile({ config: file }));
        assert.match(
            message,
            /nativemesh:cloud: cannot be kept secret \(it names or shapes resources every plan shows\): set it without --secret/,
        );
        assert.doesNotMatch(message, /got \[secret\]/);
    });

    it("refuses a mesh.chartPath that is no folder, naming the key and the path resolved from the project", () => {
        const dir = tempDir("chartpath");
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.js"), "");
        const project = readProject(path.join(dir, "Pulumi.yaml"));
        const write = (chartPath: string) => {
            fs.writeFileSync(
                path.join(dir, "Pulumi.dev.yaml"),
                ["config:", ...EXISTING, `    chartPath: ${chartPath}`, ""].join("\n"),
            );
        };
        write("charts");
        const message = problem(() => loadProjectStackFile({ project, stack: "dev" }));
        assert.match(
            message,
            new RegExp(
                `nativemesh:mesh\\.chartPath: no folder at ${path.join(dir, "charts")} \\(relative paths are taken from the project folder`,
            ),
        );
        fs.mkdirSync(path.join(dir, "charts"));
        assert.equal(loadProjectStackFile({ project, stack: "dev" }).spec?.mesh.chartPath, "charts");
    });

    it("a chartPath under the testbed's tools that is not built says how to build it", () => {
        const dir = tempDir("testbed-chartpath");
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.js"), "");
        const project = readProject(path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            ["config:", ...EXISTING, "    chartPath: .e2e/tools/istio-1.31.0/charts", ""].join("\n"),
        );
        const folder = path.join(dir, ".e2e", "tools", "istio-1.31.0", "charts");
        assert.equal(
            problem(() => loadProjectStackFile({ project, stack: "dev" })).replace(/^.*Pulumi\.dev\.yaml: /, ""),
            `nativemesh:mesh.chartPath: no folder at ${folder} (relative paths are taken from the project folder, ${dir}); the end-to-end testbed's tools hold these charts: run \`npm run e2e:build\` first`,
        );
    });

    it("refuses a revision's chartPath that is no folder, naming that revision's key", () => {
        const dir = tempDir("revision-chartpath");
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.js"), "");
        fs.mkdirSync(path.join(dir, "charts-1.31.0"));
        const project = readProject(path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            [
                "config:",
                ...EXISTING.slice(0, -1),
                "    chartPath: charts-1.31.0",
                "    revisions:",
                '      - version: "1.31.0"',
                '      - version: "1.30.4"',
                "        chartPath: charts-1.30.4",
                "",
            ].join("\n"),
        );
        assert.match(
            problem(() => loadProjectStackFile({ project, stack: "dev" })),
            new RegExp(
                `nativemesh:mesh\\.revisions\\[1\\]\\.chartPath: no folder at ${path.join(dir, "charts-1.30.4")} `,
            ),
        );
        fs.mkdirSync(path.join(dir, "charts-1.30.4"));
        assert.deepEqual(
            loadProjectStackFile({ project, stack: "dev" }).spec?.revisionPlan.revisions.map((r) => r.chartPath),
            [undefined, "charts-1.30.4"],
        );
    });
});
