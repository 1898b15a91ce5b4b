// The CrossGuard pack: `pulumi preview --policy-pack policy [--policy-pack-config FILE]`.
// Constructing a PolicyPack starts its gRPC server, so this file does nothing else (pulumi/pulumi-policy
// sdk/nodejs/policy/policy.ts).

import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("nativemesh", {
    description: "Refuses stacks that cannot give Istio native sidecars on GKE and Alibaba ACK.",
    policies: POLICIES,
});
