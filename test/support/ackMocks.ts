/**
 * AckCluster and AlibabaMesh under Pulumi's mocks (test/components/ackCluster.spec.ts, alibabaMesh.spec.ts): every
 * resource registration and invoke is recorded, and the tests assert what was asked of the providers.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as AckClusterModule from "../../components/ackCluster";
import type * as AlibabaMeshModule from "../../components/alibabaMesh";
import type { AckConfig } from "../../components/config/ackConfig";

export interface Registration {
    type: string;
    name: string;
    /** false for component resources. */
    custom: boolean;
    inputs: Record<string, unknown>;
    provider?: string;
    id: string;
}

export interface Invoke {
    token: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

export const ACK_KUBECONFIG = "apiVersion: v1\nkind: Config\n# ack credential\n";
export const ASM_KUBECONFIG = "apiVersion: v1\nkind: Config\n# asm control plane\n";

export const registrations: Registration[] = [];
export const invokes: Invoke[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        // Ids name the type too, so a test cannot pass by matching a same-named resource of another type.
        const id = `${args.type.split(":").pop()}-${args.name}`;
        registrations.push({
            type: args.type,
            name: args.name,
            custom: args.custom ?? true,
            inputs: args.inputs,
            provider: args.provider,
            id,
        });
        // ServiceMesh outputs its control plane's kubeconfig; everything else echoes its inputs.
        const extra =
            args.type === "alicloud:servicemesh/serviceMesh:ServiceMesh" ? { kubeconfig: ASM_KUBECONFIG } : {};
        return { id, state: { ...args.inputs, ...extra } };
    },
    call(args) {
        invokes.push({ token: args.token, inputs: args.inputs, provider: args.provider });
        if (args.token === "alicloud:cs/getClusterCredential:getClusterCredential") {
            return { clusterId: args.inputs.clusterId, kubeConfig: ACK_KUBECONFIG, expiration: "2030-01-01T00:00:00Z" };
        }
        return {};
    },
};

export const settled = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

/** The custom resource (not a component) registered under `name`. */
export const byName = (name: string): Registration => {
    const found = registrations.find((r) => r.name === name && r.custom);
    assert.ok(found, `no resource named ${name}; have ${registrations.map((r) => r.name).join(", ")}`);
    return found;
};
/** Secret inputs reach the mocks wrapped in Pulumi's secret envelope; unwrap them. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const plain = (value: unknown): unknown =>
    typeof value === "object" && value !== null && SECRET_SIG in value
        ? (value as Record<string, unknown>).value
        : value;

export const registeredOfType = (type: string, prefix: string): Registration[] =>
    registrations.filter((r) => r.type === type && r.name.startsWith(prefix));

// A validated `nativemesh:ack` section, as config.ts hands it over.
export const ackSection: AckConfig = {
    region: "cn-hangzhou",
    clusterName: "mesh-prod",
    kubernetesVersion: "1.30.1-aliyun.1",
    clusterSpec: "ack.pro.small",
    vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1", "vsw-bp1node2"] },
    podVswitchIds: ["vsw-bp1pod1"],
    nodePools: [
        {
            name: "general",
            instanceTypes: ["ecs.g7.xlarge"],
            desiredSize: 2,
            systemDisk: { category: "cloud_essd", sizeGb: 120 },
        },
        { name: "burst", instanceTypes: ["ecs.c7.2xlarge", "ecs.c6.2xlarge"], autoscaling: { minSize: 0, maxSize: 4 } },
    ],
    publicApiServer: true,
    rrsa: true,
    credentialMinutes: 60,
    newNatGateway: false,
    deletionProtection: true,
};

/**
 * Forgets what earlier tests declared, sets the recording mocks, then loads the ACK components. Called in a
 * `beforeEach` hook, and resources are declared in `beforeEach` or in the test, never in a shared `before`: a
 * mutation run traces a component's code to the tests that were running when it ran, and code run by a `before`
 * hook is traced to no test at all (Stryker then runs every test of the group for each of its mutants).
 */
export async function loadUnderMocks(): Promise<{
    ackModule: typeof AckClusterModule;
    meshModule: typeof AlibabaMeshModule;
}> {
    registrations.length = 0;
    invokes.length = 0;
    await pulumi.runtime.setMocks(mocks, "nativemesh", "ack-test", false);
    // Loaded only after setMocks. `await import()` would go to Node's ESM loader, which mocha's tsx/cjs hook
    // does not cover, so the modules are required here instead.
    /* eslint-disable @typescript-eslint/no-require-imports */
    return {
        ackModule: require("../../components/ackCluster") as typeof AckClusterModule,
        meshModule: require("../../components/alibabaMesh") as typeof AlibabaMeshModule,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
}
