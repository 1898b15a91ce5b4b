import * as assert from "node:assert/strict";
import { parse } from "yaml";
import type { PlannedResource } from "../../cli/engine";
import { formatTree, planFiles } from "../../cli/planOutput";

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
