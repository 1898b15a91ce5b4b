// istiod run by any workload kind, recognised by what it runs (the pilot image, the pilot-discovery binary, the
// `discovery` argument), not by its name: its env switch in each state, and containers that only look like it.

import type { PolicyCase } from "./cases";
import { UNKNOWN } from "./cases";
import { placeCases } from "./tableOfPlaces";
import { describeTables } from "./table";

const deployment = (container: Record<string, unknown>) => ({
    type: "kubernetes:apps/v1:Deployment",
    name: "control-plane",
    props: { spec: { template: { spec: { containers: [container] } } } },
});
const OFF = [{ name: "ENABLE_NATIVE_SIDECARS", value: "false" }];

const recognition: PolicyCase[] = [
    {
        name: "a container named discovery that runs nginx is not istiod: silent",
        resources: [deployment({ name: "discovery", image: "nginx:1.27", env: OFF })],
        expect: [],
    },
    {
        name: "istiod under another container name, image pilot: read",
        resources: [deployment({ name: "app", image: "gcr.io/istio-release/pilot:1.28.1-distroless", env: OFF })],
        expect: [{ level: "mandatory", match: /containers\[0\]\.env\[0\]\.value is "false"/ }],
    },
    {
        name: "istiod by digest from Google's ASM image: read",
        resources: [deployment({ name: "x", image: "gcr.io/gke-release/asm/pilot@sha256:abc", env: OFF })],
        expect: [{ level: "mandatory", match: /containers\[0\]\.env\[0\]\.value is "false"/ }],
    },
    {
        name: "the pilot-discovery binary in another image: read",
        resources: [
            deployment({
                name: "x",
                image: "registry.example/mesh:1",
                command: ["/usr/local/bin/pilot-discovery"],
                env: OFF,
            }),
        ],
        expect: [{ level: "mandatory", match: /containers\[0\]\.env\[0\]\.value is "false"/ }],
    },
    {
        name: "an image unknown at preview started with `discovery`: read",
        resources: [deployment({ name: "x", image: UNKNOWN, args: ["discovery"], env: OFF })],
        expect: [{ level: "mandatory", match: /containers\[0\]\.env\[0\]\.value is "false"/ }],
    },
    {
        name: "an image named pilot-something else is not istiod: silent",
        resources: [deployment({ name: "x", image: "example/autopilot:1", env: OFF })],
        expect: [],
    },
];

describe("istiod-manifest: every workload kind that can run istiod", () => {
    describeTables(placeCases("istiod-manifest"));
    describe("recognised by what it runs", () => {
        describeTables({ "native-sidecars-enabled": recognition });
    });
});
