// The injector's ConfigMap given as a manifest: its default templates must read .NativeSidecars (as Istio's own
// injection-template.yaml does) for istiod's ENABLE_NATIVE_SIDECARS to decide; otherwise, or when the config
// cannot be read, the pack cannot tell.

import { stringify } from "yaml";
import { SECRET, UNKNOWN, type PolicyCase } from "../support/policy/cases";
import { describeTables } from "../support/policy/table";

// The line of istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml that
// decides native mode from .NativeSidecars and the pod's annotation.
const UPSTREAM_SIDECAR =
    '{{ $nativeSidecar := ne (index .ObjectMeta.Annotations `sidecar.istio.io/nativeSidecar` | default (printf "%t" .NativeSidecars)) "false" }}\nspec: {}\n';
const OWN_SIDECAR = "spec:\n  containers:\n  - name: istio-proxy\n";

const injector = (config: unknown, name = "istio-sidecar-injector-1-28-1") => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "injector",
    props: { metadata: { name, namespace: "istio-system" }, data: { config, values: "{}" } },
});
const doubt = (match: RegExp) => [{ level: "advisory" as const, match }];

const cases: PolicyCase[] = [
    {
        name: "Istio's sidecar template, by default: silent",
        resources: [injector(stringify({ policy: "enabled", templates: { sidecar: UPSTREAM_SIDECAR } }))],
        expect: [],
    },
    {
        name: "Istio's templates named in defaultTemplates: silent",
        resources: [
            injector(
                stringify({ defaultTemplates: ["sidecar"], templates: { sidecar: UPSTREAM_SIDECAR, gateway: "x" } }),
                "istio-sidecar-injector",
            ),
        ],
        expect: [],
    },
    {
        name: "a sidecar template that never reads .NativeSidecars: cannot tell",
        resources: [injector(stringify({ templates: { sidecar: OWN_SIDECAR } }))],
        expect: doubt(/template "sidecar" never reads \.NativeSidecars/),
    },
    {
        name: "a default template that is not defined: cannot tell",
        resources: [
            injector(stringify({ defaultTemplates: ["sidecar", "extra"], templates: { sidecar: UPSTREAM_SIDECAR } })),
        ],
        expect: doubt(/template "extra" cannot be read/),
    },
    { name: "config secret: cannot tell", resources: [injector(SECRET)], expect: doubt(/data\.config is secret/) },
    { name: "config unknown: cannot tell", resources: [injector(UNKNOWN)], expect: doubt(/data\.config is secret/) },
    { name: "config not YAML: cannot tell", resources: [injector("templates: [")], expect: doubt(/not YAML/) },
    {
        name: "another ConfigMap with the same config: silent",
        resources: [injector(stringify({ templates: { sidecar: OWN_SIDECAR } }), "app-settings")],
        expect: [],
    },
];

describe("injector-config: the sidecar injector's ConfigMap", () => {
    describeTables({ "native-sidecars-enabled": cases });
});
