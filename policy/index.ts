// The CrossGuard pack: `pulumi preview --policy-pack policy [--policy-pack-config FILE]`.
// Constructing a PolicyPack starts its gRPC server, so this file does nothing else (pulumi/pulumi-policy
// sdk/nodejs/policy/policy.ts). cli/build.js bundles it with @pulumi/policy into policy/dist/index.js, the file
// the engine starts (buildPack: the pack then loads only the parts of the Pulumi SDK it uses).

import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("nativemesh", {
    description: "Refuses stacks that cannot give Istio native sidecars on GKE and Alibaba ACK.",
    policies: POLICIES,
});
