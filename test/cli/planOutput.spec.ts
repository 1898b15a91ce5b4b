import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { PlannedResource } from "../../cli/engine";
import { formatTree, OUT_MANIFEST, planFiles, prepareOutDir, writePlanFiles } from "../../cli/planOutput";
import { runPreview } from "../../cli/preview";
import { tempDir } from "../support/tempDir";

describe("plan output", () => {
    const r = (
        urn: string,
        type: string,
        name: string,
        parent?: string,
        inputs: Record<string, unknown> = {},
    ): PlannedResource => ({
        urn,
        type,
        name,
        parent,
        custom: !type.startsWith("nativemesh:") && type !== "pulumi:pulumi:Stack",
        inputs,
        options: {
            dependsOn: [],
            ignoreChanges: [],
            deleteBeforeReplace: false,
            retainOnDelete: false,
            protect: false,
        },
    });
    const plan = [
        r("s", "pulumi:pulumi:Stack", "p-dev"),
        r("e", "nativemesh:index:MeshEnvironment", "env", "s"),
        r("ns", "kubernetes:core/v1:Namespace", "a", "e", {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "a" },
        }),
        r("rel", "kubernetes:helm.sh/v3:Release", "istiod", "e", {
            name: "istiod-1-28-1",
            chart: "istiod",
            version: "1.28.1",
            values: { revision: "1-28-1" },
        }),
    ];

    it("draws the tree with pulumi's prefixes, children under their parent", () => {
        const lines = formatTree(plan).split("\n");
        assert.match(lines[1], /^ \+ {3}pulumi:pulumi:Stack\s+p-dev$/);
        assert.match(lines[2], /^ \+ {3}└─ nativemesh:index:MeshEnvironment\s+env$/);
        assert.match(lines[3], /^ \+ {6}├─ kubernetes:core\/v1:Namespace\s+a$/);
        assert.match(lines[4], /^ \+ {6}└─ kubernetes:helm\.sh\/v3:Release\s+istiod$/);
        assert.match(formatTree(plan), /\+ 4 to create/);
    });

    it("writes a file per Kubernetes object and the values of each Helm release", () => {
        const files = planFiles(plan);
        assert.deepEqual([...files.keys()].sort(), ["helm/istiod-1-28-1-values.yaml", "k8s/namespace-a.yaml"]);
        assert.deepEqual(parse(files.get("k8s/namespace-a.yaml")!), {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "a" },
        });
        assert.deepEqual(parse(files.get("helm/istiod-1-28-1-values.yaml")!), { revision: "1-28-1" });
    });
});

const configMap = (name: string): PlannedResource => ({
    urn: `urn:pulumi:t::p::kubernetes:core/v1:ConfigMap::${name}`,
    type: "kubernetes:core/v1:ConfigMap",
    name,
    custom: true,
    inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" }, data: { a: "b" } },
    options: { dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false, protect: false },
});

describe("cli/planOutput: --out written all at once", () => {
    it("a folder swapped for a link after the check receives nothing", () => {
        const dir = tempDir("out");
        const out = path.join(dir, "out");
        const victim = path.join(dir, "victim");
        fs.mkdirSync(victim);
        prepareOutDir(out);
        fs.symlinkSync(victim, out);
        assert.throws(() => writePlanFiles(out, [configMap("a")]), /--out .*: cannot write the plan files there/);
        assert.deepEqual(fs.readdirSync(victim), []);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["out", "victim"], "no staging folder left behind");
    });

    it("an earlier --out folder swapped for a link after the check: the link's target is untouched", () => {
        const dir = tempDir("out");
        const out = path.join(dir, "out");
        writePlanFiles(out, [configMap("a")]);
        prepareOutDir(out);
        const victim = path.join(dir, "victim");
        fs.renameSync(out, victim);
        fs.symlinkSync(victim, out);
        assert.throws(() => writePlanFiles(out, [configMap("b")]), /symbolic link/);
        assert.deepEqual(fs.readdirSync(path.join(victim, "k8s")), ["configmap-ns-a.yaml"]);
    });

    it("replaces an earlier --out folder whole: only the new plan's files, listed", () => {
        const dir = tempDir("out");
        const out = path.join(dir, "out");
        writePlanFiles(out, [configMap("a")]);
        prepareOutDir(out);
        writePlanFiles(out, [configMap("b")]);
        assert.deepEqual(fs.readdirSync(path.join(out, "k8s")), ["configmap-ns-b.yaml"]);
        assert.equal(fs.readFileSync(path.join(out, OUT_MANIFEST), "utf8"), "k8s/configmap-ns-b.yaml\n");
        assert.deepEqual(fs.readdirSync(dir), ["out"], "the earlier folder, moved aside, is gone");
    });

    it("a preview that fails leaves no --out folder, nor the folders above it", async () => {
        const dir = tempDir("out");
        const stack = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(stack, "config:\n  nativemesh:cloud: nowhere\n");
        const out = path.join(dir, "made", "out");
        const io = { stdout: { write: () => true }, stderr: { write: () => true } };
        await assert.rejects(runPreview(["--config", stack, "--out", out], io), /nativemesh:cloud: must be one of/);
        assert.equal(fs.existsSync(path.join(dir, "made")), false);
    });
});
