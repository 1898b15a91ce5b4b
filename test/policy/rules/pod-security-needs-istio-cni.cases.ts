// The fixture table of pod-security-needs-istio-cni: a meshed namespace under Pod Security baseline/restricted in a
// stack whose injection does not go through the Istio CNI node agent, with what nativemesh's components declare
// and what other stacks write. Run by its own spec (test/policy/rules/pod-security-needs-istio-cni.spec.ts) and
// part of the pack's CASES (test/support/policy/cases.ts).

import { asmcliInstallScript, renderAsmOverlay } from "../../../components/render/asmOverlay";
import { cniValues, istiodValues } from "../../../components/render/istioValues";
import type { TestResource } from "../../support/policy/args";
import type { PolicyCase } from "../../support/policy/cases";

// Pulumi's unknown value and a secret, as test/support/policy/cases.ts writes them (not imported: that module imports this one).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

const ENFORCE = "pod-security.kubernetes.io/enforce";
const namespace = (labels: unknown): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name: "apps",
    props: { metadata: { name: "apps", labels } },
});
const restricted = namespace({ "istio.io/rev": "1-31-0", [ENFORCE]: "restricted" });
const istiod = (cni: boolean, values?: unknown): TestResource => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod-1-31-0",
    props: {
        chart: "istiod",
        version: "1.31.0",
        values:
            values ??
            istiodValues({
                version: "1.31.0",
                revision: "1-31-0",
                revisionTags: [],
                nativeSidecars: true,
                namespace: "istio-system",
                replicas: 2,
                extra: {},
                cni,
            }),
    },
});
const cniRelease = (chart: unknown): TestResource => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: "istio-cni",
    props: { chart, version: "1.31.0", values: cniValues({ gke: true }) },
});
const asmcli = (cni: boolean, options: string[] = []): TestResource => ({
    type: "command:local:Command",
    name: "asmcli",
    props: {
        create: asmcliInstallScript({
            asmcli: "asmcli",
            version: "1.27.8-asm.9",
            revision: "asm-1278-9",
            revisionTags: [],
            ca: "mesh_ca",
            outputDir: "asm-out",
            enableAll: true,
            options,
            target: { kind: "gke", project: "p", clusterName: "c", location: "europe-west1" },
        }),
        environment: { NATIVEMESH_OVERLAY: renderAsmOverlay("1.27.8-asm.9", true, cni ? { gke: true } : undefined) },
    },
});
const asmNamespace = namespace({ "istio.io/rev": "asm-1278-9", [ENFORCE]: "baseline" });
const serviceMesh = (meshConfig: unknown): TestResource => ({
    type: "alicloud:servicemesh/serviceMesh:ServiceMesh",
    name: "asm",
    props: { version: "v1.24.6.40-g4b2a9e1a-aliyun", clusterSpec: "enterprise", ...(meshConfig ? { meshConfig } : {}) },
});
const operator = (spec: unknown): TestResource => ({
    type: "kubernetes:install.istio.io/v1alpha1:IstioOperator",
    name: "istio",
    props: { spec },
});

const mandatory = (match: RegExp) => ({ level: "mandatory" as const, match });
const advisory = (match: RegExp) => ({ level: "advisory" as const, match });
const REFUSED =
    /istio\.io\/rev=1-31-0\) and enforces Pod Security "restricted", but the stack installs no Istio CNI.*NET_ADMIN, NET_RAW, UID 0.*Fix: set nativemesh:mesh\.cni true/;

export const POD_SECURITY_CASES: PolicyCase[] = [
    {
        name: "restricted namespace, istiod without CNI: every meshed pod would be refused",
        resources: [restricted, istiod(false)],
        expect: [mandatory(REFUSED)],
    },
    {
        name: "restricted namespace with nativemesh's cni release and istiod's pilot.cni (counterpart)",
        resources: [restricted, cniRelease("cni"), istiod(true)],
        expect: [],
    },
    {
        name: "the cni chart from a local chart folder counts",
        resources: [restricted, cniRelease("/charts/istio-cni"), istiod(false)],
        expect: [],
    },
    {
        name: "the cni chart packaged as cni-1.31.0.tgz counts",
        resources: [restricted, cniRelease("./cni-1.31.0.tgz"), istiod(false)],
        expect: [],
    },
    {
        name: "a chart only named like it (cnix) does not",
        resources: [restricted, cniRelease("cnix"), istiod(false)],
        expect: [mandatory(REFUSED)],
    },
    {
        name: "istiod told pilot.cni.enabled (the node agent installed apart) counts",
        resources: [restricted, istiod(false, { revision: "1-31-0", pilot: { cni: { enabled: true } } })],
        expect: [],
    },
    {
        name: "baseline refuses istio-init too (istio-injection=enabled namespace)",
        resources: [namespace({ "istio-injection": "enabled", [ENFORCE]: "baseline" }), istiod(false)],
        expect: [
            mandatory(
                /istio-injection=enabled\) and enforces Pod Security "baseline", but the stack installs no Istio CNI/,
            ),
        ],
    },
    {
        name: "privileged admits istio-init (counterpart)",
        resources: [namespace({ "istio.io/rev": "1-31-0", [ENFORCE]: "privileged" }), istiod(false)],
        expect: [],
    },
    {
        name: "no Pod Security label (counterpart)",
        resources: [namespace({ "istio.io/rev": "1-31-0" }), istiod(false)],
        expect: [],
    },
    {
        name: "restricted but not meshed (istio-injection=disabled) (counterpart)",
        resources: [namespace({ "istio-injection": "disabled", [ENFORCE]: "restricted" }), istiod(false)],
        expect: [],
    },
    {
        name: "asmcli with nativemesh's CNI overlay (components.cni) (counterpart)",
        resources: [asmNamespace, asmcli(true)],
        expect: [],
    },
    {
        name: "asmcli with --option cni-gcp (counterpart)",
        resources: [asmNamespace, asmcli(false, ["cni-gcp"])],
        expect: [],
    },
    {
        name: "asmcli without any CNI",
        resources: [asmNamespace, asmcli(false)],
        expect: [mandatory(/asm-1278-9\) and enforces Pod Security "baseline", but the stack installs no Istio CNI/)],
    },
    {
        name: "IstioOperator with components.cni enabled (counterpart)",
        resources: [restricted, operator({ revision: "1-31-0", components: { cni: { enabled: true } } })],
        expect: [],
    },
    {
        name: "IstioOperator without it",
        resources: [restricted, operator({ revision: "1-31-0" })],
        expect: [mandatory(REFUSED)],
    },
    {
        name: "Alibaba ASM with its CNI plug-in (counterpart)",
        resources: [restricted, serviceMesh({ sidecarInjector: { initCniConfiguration: { enabled: true } } })],
        expect: [],
    },
    {
        name: "Alibaba ASM without it",
        resources: [restricted, serviceMesh(undefined)],
        expect: [mandatory(REFUSED)],
    },
    {
        name: "Alibaba ASM whose CNI setting is unknown in preview: cannot tell",
        resources: [restricted, serviceMesh({ sidecarInjector: { initCniConfiguration: { enabled: UNKNOWN } } })],
        expect: [advisory(/enforces Pod Security "restricted"; ASM's initCniConfiguration cannot be read/)],
    },
    {
        name: "istiod whose values are secret: cannot tell",
        resources: [restricted, istiod(false, SECRET)],
        expect: [advisory(/istiod's pilot\.cni\.enabled cannot be read/)],
    },
    {
        name: "an asmcli overlay file the pack cannot see: cannot tell",
        resources: [
            asmNamespace,
            {
                type: "command:local:Command",
                name: "asmcli",
                props: { create: "asmcli install --custom_overlay /tmp/overlay.yaml --revision_name asm-1278-9" },
            },
        ],
        expect: [advisory(/--custom_overlay file \/tmp\/overlay\.yaml is not part of the resource/)],
    },
    {
        name: "a stack that only labels namespaces (the mesh installed elsewhere): cannot tell",
        resources: [restricted],
        expect: [
            advisory(
                /the stack installs no control plane, so whether the mesh injects through Istio CNI cannot be read here/,
            ),
        ],
    },
    {
        name: "a Pod Security level that cannot be read, on a meshed namespace: cannot tell",
        resources: [namespace({ "istio.io/rev": "1-31-0", [ENFORCE]: UNKNOWN }), istiod(false)],
        expect: [advisory(/cannot tell whether the namespace is meshed under Pod Security baseline\/restricted/)],
    },
    {
        name: "labels that are not a map, and odd shapes, never throw (counterpart)",
        resources: [
            namespace("not a map"),
            { type: "kubernetes:core/v1:Namespace", name: "odd", props: { metadata: null } },
            istiod(false),
        ],
        expect: [],
    },
];
