// The per-evaluation memory of what rules derive from a resource (policy/evaluation-cache.ts, issue 20): read once
// per object and key inside an evaluation, afresh outside one, forgotten when the evaluation ends. And the readers
// that use it, each remembered within an evaluation, and the engine asking a rule's appliesTo once per type.
import * as assert from "node:assert/strict";
import { controlPlanesOf } from "../../policy/control-planes";
import { cachedPerObject, cachedPerText, withEvaluationCache } from "../../policy/evaluation-cache";
import { runRule } from "../../policy/evaluate";
import { propsFromState } from "../../policy/state";
import { resolveConfig, type ResourceRule } from "../../policy/rule";
import { RULES } from "../../policy/rules";
import { istiodContext } from "../../policy/rules/native-sidecar-annotation";
import { clusterContext } from "../../policy/rules/native-sidecars-enabled";
import {
    namespaceLabels,
    parseSettingValue,
    podTemplateOf,
    podTemplatePath,
    settingKeySegments,
    settingMapOf,
    settingNamespaceLabels,
    settingTemplateAnnotations,
} from "../../policy/workloads";
import { stackExport } from "../../bench/generate";
import { stackResource } from "../support/stackResource";

/** A reader that counts its readings and answers a new object each time. */
function counted(): { read: (key: string, object: unknown) => { key: string }; readings: () => number } {
    let readings = 0;
    return {
        read: (key) => {
            readings++;
            return { key };
        },
        readings: () => readings,
    };
}

describe("evaluation cache: cachedPerObject", () => {
    it("reads afresh on every call outside an evaluation", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        const props = {};
        assert.notStrictEqual(cached("t", props), cached("t", props));
        assert.equal(reader.readings(), 2);
    });

    it("reads once per object and key inside an evaluation, and hands out the same answer", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        const props = {};
        withEvaluationCache(() => {
            const first = cached("t", props);
            assert.strictEqual(cached("t", props), first);
            assert.equal(reader.readings(), 1);
        });
    });

    it("reads another object, or the same object under another key, on its own", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        const props = {};
        withEvaluationCache(() => {
            cached("t", props);
            assert.deepEqual(cached("t", {}), { key: "t" });
            assert.deepEqual(cached("u", props), { key: "u" });
            assert.equal(reader.readings(), 3);
        });
    });

    it("remembers an answer that is undefined, and tells it from no answer", () => {
        let readings = 0;
        const cached = cachedPerObject((key) => {
            readings++;
            return key === "none" ? undefined : key;
        });
        const props = {};
        withEvaluationCache(() => {
            assert.equal(cached("none", props), undefined);
            assert.equal(cached("none", props), undefined);
            assert.equal(cached("t", props), "t");
            assert.equal(cached("t", props), "t");
        });
        assert.equal(readings, 2);
    });

    it("reads what is no object afresh: there is nothing to key it by", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        withEvaluationCache(() => {
            assert.notStrictEqual(cached("t", "text"), cached("t", "text"));
            assert.notStrictEqual(cached("t", null), cached("t", null));
        });
        assert.equal(reader.readings(), 4);
    });

    it("forgets at the end of an evaluation, so the next one reads again", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        const props = {};
        const first = withEvaluationCache(() => cached("t", props));
        const second = withEvaluationCache(() => cached("t", props));
        assert.notStrictEqual(first, second);
        assert.equal(reader.readings(), 2);
    });

    it("shares the outer evaluation's memory in a nested one, which does not end it", () => {
        const reader = counted();
        const cached = cachedPerObject(reader.read);
        const props = {};
        withEvaluationCache(() => {
            const outer = cached("t", props);
            assert.strictEqual(
                withEvaluationCache(() => cached("t", props)),
                outer,
            );
            assert.strictEqual(cached("t", props), outer);
        });
        assert.equal(reader.readings(), 1);
    });

    it("remembers no reading that threw, and ends the evaluation when its body throws", () => {
        let calls = 0;
        const cached = cachedPerObject(() => {
            calls++;
            throw new Error("boom");
        });
        const props = {};
        assert.throws(() => withEvaluationCache(() => cached("t", props)), /boom/);
        assert.throws(() => cached("t", props), /boom/);
        assert.equal(calls, 2);
        const reader = counted();
        const after = cachedPerObject(reader.read);
        assert.notStrictEqual(after("t", props), after("t", props), "no evaluation is left running");
    });
});

describe("evaluation cache: cachedPerText", () => {
    it("reads once per text inside an evaluation, afresh outside, and forgets at its end", () => {
        let readings = 0;
        const cached = cachedPerText((text) => {
            readings++;
            return { text };
        });
        assert.notStrictEqual(cached("a"), cached("a"));
        withEvaluationCache(() => {
            const first = cached("a");
            assert.strictEqual(cached("a"), first);
            assert.deepEqual(cached("b"), { text: "b" });
        });
        assert.equal(readings, 4);
        withEvaluationCache(() => cached("a"));
        assert.equal(readings, 5);
    });

    it("remembers an answer that is undefined too", () => {
        let readings = 0;
        const cached = cachedPerText(() => {
            readings++;
            return undefined;
        });
        withEvaluationCache(() => [cached("a"), cached("a")]);
        assert.equal(readings, 1);
    });
});

describe("evaluation cache: the readers that use it", () => {
    const helm = stackResource("kubernetes:helm.sh/v3:Release", "istiod", { chart: "istiod", version: "1.28.1" });
    const deployment = stackResource("kubernetes:apps/v1:Deployment", "web", {
        spec: { template: { metadata: { annotations: { a: "1" } }, spec: { containers: [{ name: "web" }] } } },
    });
    const namespace = stackResource("kubernetes:core/v1:Namespace", "ns", {
        metadata: { labels: { "istio.io/rev": "1-28-1" } },
    });
    const setting = (key: string, value: string) =>
        stackResource("kubernetes:formance.com/v1beta1:Settings", key, { spec: { key, value, stacks: ["*"] } });
    const labels = setting("namespace.labels", "istio.io/rev=1-28-1");
    const annotations = setting("deployments.*.spec.template.annotations", "a=1");
    const pool = stackResource("gcp:container/nodePool:NodePool", "pool", { version: "1.33.5-gke.1" });
    const resources = [helm, deployment, namespace, labels, annotations, pool];
    const readers: Array<[string, () => unknown]> = [
        ["controlPlanesOf", () => controlPlanesOf(helm.type, helm.props)],
        ["podTemplateOf", () => podTemplateOf(deployment.type, deployment.props)],
        ["namespaceLabels", () => namespaceLabels(namespace.type, namespace.props)],
        ["settingMapOf", () => settingMapOf(labels.type, labels.props)],
        ["settingNamespaceLabels", () => settingNamespaceLabels(labels.type, labels.props)],
        ["settingTemplateAnnotations", () => settingTemplateAnnotations(annotations.type, annotations.props)],
        ["settingKeySegments", () => settingKeySegments("deployments.*.spec.template.annotations")],
        ["parseSettingValue", () => parseSettingValue("a=1,b=2")],
        ["istiodContext", () => istiodContext(resources)],
        ["clusterContext", () => clusterContext(resources, { autoMinIstioVersion: "1.27", autoMinKubeletMinor: 33 })],
    ];
    for (const [name, read] of readers) {
        it(`${name}: the same answer within an evaluation, a new one outside`, () => {
            const answer = read();
            assert.ok(typeof answer === "object" && answer !== null, "answers an object");
            assert.notStrictEqual(read(), answer);
            withEvaluationCache(() => assert.strictEqual(read(), read()));
        });
    }

    it("podTemplatePath answers one frozen place per type, in or out of an evaluation", () => {
        const place = podTemplatePath("kubernetes:batch/v1:CronJob");
        assert.deepEqual(place, { kind: "CronJob", patch: false, path: ["spec", "jobTemplate", "spec", "template"] });
        assert.strictEqual(podTemplatePath("kubernetes:batch/v1:CronJob"), place);
        assert.ok(Object.isFrozen(place) && Object.isFrozen(place?.path));
        assert.equal(podTemplatePath("kubernetes:core/v1:Service"), undefined);
    });

    it("clusterContext is read again for another kubelet threshold", () => {
        withEvaluationCache(() => {
            const at33 = clusterContext(resources, { autoMinIstioVersion: "1.27", autoMinKubeletMinor: 33 });
            const at34 = clusterContext(resources, { autoMinIstioVersion: "1.27", autoMinKubeletMinor: 34 });
            assert.deepEqual([at33.atOrAbove, at34.below.length], [1, 1]);
        });
    });

    it("a resource of a type without the thing is not read at all (a type test answers)", () => {
        const service = stackResource("kubernetes:core/v1:Service", "svc", {
            get metadata(): unknown {
                throw new Error("read");
            },
        });
        withEvaluationCache(() => {
            assert.equal(podTemplateOf(service.type, service.props), undefined);
            assert.equal(namespaceLabels(service.type, service.props), undefined);
            assert.equal(settingMapOf(service.type, service.props), undefined);
            assert.equal(settingTemplateAnnotations(service.type, service.props), undefined);
        });
    });

    it("every rule finds the same inside an evaluation as reading afresh, over a generated fleet", () => {
        // The bench's fleet (a Helm istiod, a cluster and node pool, tenants with workloads, Settings and a legacy
        // workaround in one of a hundred), each entry's inputs over its outputs as audit reads it.
        const fleet = stackExport(300).deployment.resources.map((entry) =>
            stackResource(entry.type, entry.urn, propsFromState(entry.inputs, entry.outputs)),
        );
        const findings = () =>
            RULES.map((rule) => runRule(rule, fleet, resolveConfig(rule, {})).map((finding) => finding.message));
        const afresh = findings();
        assert.ok(afresh.flat().length > 0, "the fleet has findings to compare");
        assert.deepEqual(
            withEvaluationCache(() => findings()),
            afresh,
        );
    });
});

describe("offline engine: a resource rule's appliesTo", () => {
    it("is asked once per type, and its answer holds for every resource of that type", () => {
        const asked: string[] = [];
        const rule: ResourceRule<Record<string, never>> = {
            kind: "resource",
            name: "test-rule",
            description: "",
            enforcementLevel: "advisory",
            remediationSteps: "",
            config: {},
            appliesTo: (type) => {
                asked.push(type);
                return type === "a";
            },
            check: (type, props) => [{ message: `${type} ${String(props.n)}` }],
        };
        const resources = [1, 2, 3].flatMap((n) => [
            stackResource("a", `a${n}`, { n }),
            stackResource("b", `b${n}`, { n }),
        ]);
        const found = runRule(rule, resources, {});
        assert.deepEqual(asked, ["a", "b"]);
        assert.deepEqual(
            found.map((finding) => finding.message),
            ["a 1", "a 2", "a 3"],
        );
    });
});
