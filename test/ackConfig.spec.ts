import * as assert from "assert";
import { ackConfigSchema, alibabaMeshConfigSchema, asmEditionFor } from "../components/config/ackConfig";

// A complete, valid `nativemesh:ack` section: existing VPC, Terway pod vSwitches, one fixed-size pool.
const base = {
    region: "cn-hangzhou",
    clusterName: "mesh-prod",
    kubernetesVersion: "1.30.1-aliyun.1",
    clusterSpec: "ack.pro.small",
    vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1", "vsw-bp1node2"] },
    podVswitchIds: ["vsw-bp1pod1"],
    nodePools: [{ name: "general", instanceTypes: ["ecs.g7.xlarge"], desiredSize: 2 }],
};

/** `base` with top-level keys replaced; `undefined` removes a key. */
function withKeys(changes: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete out[key];
    return out;
}

const pool = (changes: Record<string, unknown>) => withKeys({ nodePools: [{ ...base.nodePools[0], ...changes }] });

const goodSections: Array<[string, unknown]> = [
    ["the base section", base],
    [
        "a version below 1.30 (the policy pack judges it, not the schema)",
        withKeys({ kubernetesVersion: "1.28.9-aliyun.1" }),
    ],
    ["a version without ACK's build suffix", withKeys({ kubernetesVersion: "1.33.1" })],
    [
        "a created VPC with Terway pod vSwitches",
        withKeys({
            vpc: {
                create: {
                    cidrBlock: "10.0.0.0/8",
                    vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }],
                    podVswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.2.0.0/16" }],
                },
            },
            podVswitchIds: undefined,
        }),
    ],
    ["Flannel instead of Terway", withKeys({ podVswitchIds: undefined, podCidr: "172.20.0.0/16" })],
    [
        "an autoscaled pool with a system disk",
        pool({
            desiredSize: undefined,
            autoscaling: { minSize: 1, maxSize: 5 },
            systemDisk: { category: "cloud_essd", sizeGb: 120 },
        }),
    ],
    [
        "production deletion protection and a service range",
        withKeys({ deletionProtection: true, serviceCidr: "192.168.0.0/16" }),
    ],
    ["a finance region", withKeys({ region: "cn-shanghai-finance-1" })],
    ["a GPU instance type", pool({ instanceTypes: ["ecs.gn7i-c8g1.2xlarge"] })],
    ["a credential lifetime at its bounds (15)", withKeys({ credentialMinutes: 15 })],
    ["a credential lifetime at its bounds (4320)", withKeys({ credentialMinutes: 4320 })],
    ["an autoscaled pool from 0", pool({ desiredSize: undefined, autoscaling: { minSize: 0, maxSize: 1000 } })],
    ["a system disk of cloud_auto at 2048 GiB", pool({ systemDisk: { category: "cloud_auto", sizeGb: 2048 } })],
    ["a pool with its own vSwitches and a key pair", pool({ vswitchIds: ["vsw-bp1pool"], keyName: "ops" })],
    ["an empty pool (desiredSize 0)", pool({ desiredSize: 0 })],
];

// [case, section, expected path, expected message fragment]
const badSections: Array<[string, unknown, PropertyKey[], string]> = [
    ["missing region", withKeys({ region: undefined }), ["region"], "must be a string"],
    ["a region that is not a region id", withKeys({ region: "Hangzhou" }), ["region"], "region id such as cn-hangzhou"],
    [
        "malformed vSwitch id",
        withKeys({ vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: ["vsw-bp1node1", "switch-2"] } }),
        ["vpc", "vswitchIds", 1],
        "'vsw-'",
    ],
    [
        "malformed VPC id",
        withKeys({ vpc: { vpcId: "bp1abc2def3", vswitchIds: ["vsw-bp1node1"] } }),
        ["vpc", "vpcId"],
        "'vpc-'",
    ],
    ["malformed pod vSwitch id", withKeys({ podVswitchIds: ["VSW-UPPER"] }), ["podVswitchIds", 0], "'vsw-'"],
    ["version given as a YAML number", withKeys({ kubernetesVersion: 1.3 }), ["kubernetesVersion"], "quoted string"],
    [
        "version that does not parse",
        withKeys({ kubernetesVersion: "latest" }),
        ["kubernetesVersion"],
        "MAJOR.MINOR.PATCH",
    ],
    ["unknown key", withKeys({ colour: "red" }), [], "colour"],
    ["unknown key in a node pool", pool({ machineType: "ecs.g7.xlarge" }), ["nodePools", 0], "machineType"],
    ["unknown cluster spec", withKeys({ clusterSpec: "ack.huge" }), ["clusterSpec"], "ack.pro.small"],
    [
        "deletionProtection as a string",
        withKeys({ deletionProtection: "yes" }),
        ["deletionProtection"],
        "true or false",
    ],
    ["no VPC at all", withKeys({ vpc: {} }), ["vpc", "vpcId"], "is required"],
    [
        "VPC id without vSwitches",
        withKeys({ vpc: { vpcId: "vpc-bp1abc2def3" } }),
        ["vpc", "vswitchIds"],
        "is required with vpcId",
    ],
    [
        "existing and created VPC together",
        withKeys({
            vpc: {
                vpcId: "vpc-bp1abc2def3",
                vswitchIds: ["vsw-a1"],
                create: { cidrBlock: "10.0.0.0/8", vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }] },
            },
        }),
        ["vpc", "create"],
        "not both",
    ],
    [
        "created VPC with a bad CIDR",
        withKeys({
            vpc: {
                create: {
                    cidrBlock: "10.0.0.0/33",
                    vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }],
                },
            },
            podVswitchIds: undefined,
            podCidr: "172.20.0.0/16",
        }),
        ["vpc", "create", "cidrBlock"],
        "IPv4 CIDR",
    ],
    [
        "podVswitchIds with a created VPC",
        withKeys({
            vpc: {
                create: { cidrBlock: "10.0.0.0/8", vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }] },
            },
        }),
        ["podVswitchIds"],
        "vpc.create.podVswitches",
    ],
    ["Terway and Flannel together", withKeys({ podCidr: "172.20.0.0/16" }), ["podCidr"], "choose one"],
    ["no pod network", withKeys({ podVswitchIds: undefined }), ["podVswitchIds"], "Flannel podCidr"],
    ["no node pools", withKeys({ nodePools: [] }), ["nodePools"], "at least one node pool"],
    [
        "a pool with both sizes",
        pool({ autoscaling: { minSize: 1, maxSize: 3 } }),
        ["nodePools", 0, "desiredSize"],
        "exactly one",
    ],
    ["a pool with no size", pool({ desiredSize: undefined }), ["nodePools", 0, "desiredSize"], "exactly one"],
    [
        "autoscaling max not above min",
        pool({ desiredSize: undefined, autoscaling: { minSize: 3, maxSize: 3 } }),
        ["nodePools", 0, "autoscaling", "maxSize"],
        "greater than minSize",
    ],
    [
        "autoscaling beyond the scaling group's 1000",
        pool({ desiredSize: undefined, autoscaling: { minSize: 0, maxSize: 1001 } }),
        ["nodePools", 0, "autoscaling", "maxSize"],
        "1-1000",
    ],
    [
        "an instance type that is not ECS",
        pool({ instanceTypes: ["n2-standard-4"] }),
        ["nodePools", 0, "instanceTypes", 0],
        "ecs.g7.xlarge",
    ],
    ["a pool name that is not a DNS label", pool({ name: "General Pool" }), ["nodePools", 0, "name"], "DNS-1123"],
    [
        "two pools with one name",
        withKeys({ nodePools: [base.nodePools[0], base.nodePools[0]] }),
        ["nodePools", 1, "name"],
        "two node pools",
    ],
    [
        "a credential lifetime below ACK's 15 minutes",
        withKeys({ credentialMinutes: 14 }),
        ["credentialMinutes"],
        "must be at least 15 minutes (ACK's minimum)",
    ],
    [
        "a credential lifetime above ACK's 3 days",
        withKeys({ credentialMinutes: 4321 }),
        ["credentialMinutes"],
        "must be at most 4320 minutes (3 days, ACK's maximum)",
    ],
    [
        "a credential lifetime in fractions",
        withKeys({ credentialMinutes: 60.5 }),
        ["credentialMinutes"],
        "must be a whole number of minutes, 15-4320",
    ],
    [
        "a credential lifetime as a string",
        withKeys({ credentialMinutes: "60" }),
        ["credentialMinutes"],
        "must be a whole number of minutes, 15-4320",
    ],
    ["an empty cluster name", withKeys({ clusterName: "" }), ["clusterName"], "must not be empty"],
    [
        "an ACK version with a bare -aliyun suffix",
        withKeys({ kubernetesVersion: "1.30.1-aliyun" }),
        ["kubernetesVersion"],
        'must be a pinned ACK version MAJOR.MINOR.PATCH[-aliyun.N], e.g. "1.30.1-aliyun.1"',
    ],
    ["publicApiServer as a string", withKeys({ publicApiServer: "no" }), ["publicApiServer"], "true or false"],
    ["rrsa as a string", withKeys({ rrsa: "yes" }), ["rrsa"], "true or false"],
    ["newNatGateway as a string", withKeys({ newNatGateway: "yes" }), ["newNatGateway"], "true or false"],
    ["a bad pod range", withKeys({ podVswitchIds: undefined, podCidr: "172.20.0.0" }), ["podCidr"], "IPv4 CIDR"],
    [
        "a service range with an octet above 255",
        withKeys({ serviceCidr: "192.168.256.0/16" }),
        ["serviceCidr"],
        "IPv4 CIDR",
    ],
    [
        "an empty vSwitch list",
        withKeys({ vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: [] } }),
        ["vpc", "vswitchIds"],
        "needs at least one vSwitch id (control plane and nodes)",
    ],
    [
        "vSwitches not in a list",
        withKeys({ vpc: { vpcId: "vpc-bp1abc2def3", vswitchIds: "vsw-a" } }),
        ["vpc", "vswitchIds"],
        "must be a list of vSwitch ids (control plane and nodes)",
    ],
    [
        "a created vSwitch in a zone that is not one",
        withKeys({
            vpc: { create: { cidrBlock: "10.0.0.0/8", vswitches: [{ zoneId: "Zone I", cidrBlock: "10.1.0.0/16" }] } },
            podVswitchIds: undefined,
            podCidr: "172.20.0.0/16",
        }),
        ["vpc", "create", "vswitches", 0, "zoneId"],
        "must be a zone id such as cn-hangzhou-i or ap-southeast-1a",
    ],
    [
        "a created VPC without vSwitches",
        withKeys({
            vpc: { create: { cidrBlock: "10.0.0.0/8", vswitches: [] } },
            podVswitchIds: undefined,
            podCidr: "172.20.0.0/16",
        }),
        ["vpc", "create", "vswitches"],
        "needs at least one {zoneId, cidrBlock}",
    ],
    ["a negative fixed size", pool({ desiredSize: -1 }), ["nodePools", 0, "desiredSize"], "0 or more"],
    [
        "autoscaling below 0",
        pool({ desiredSize: undefined, autoscaling: { minSize: -1, maxSize: 3 } }),
        ["nodePools", 0, "autoscaling", "minSize"],
        "0-1000",
    ],
    [
        "no instance types",
        pool({ instanceTypes: [] }),
        ["nodePools", 0, "instanceTypes"],
        "needs at least one ECS instance type",
    ],
    [
        "a system disk category that is not one",
        pool({ systemDisk: { category: "ssd", sizeGb: 100 } }),
        ["nodePools", 0, "systemDisk", "category"],
        "must be a disk category such as cloud_essd",
    ],
    [
        "a system disk of 0 GiB",
        pool({ systemDisk: { category: "cloud_essd", sizeGb: 0 } }),
        ["nodePools", 0, "systemDisk", "sizeGb"],
        "1-2048",
    ],
    ["an empty key pair name", pool({ keyName: "" }), ["nodePools", 0, "keyName"], ""],
    [
        "node pools not in a list",
        withKeys({ nodePools: base.nodePools[0] }),
        ["nodePools"],
        "must be a list of node pools",
    ],
    [
        "a system disk beyond 2048 GiB",
        pool({ systemDisk: { category: "cloud_essd", sizeGb: 4096 } }),
        ["nodePools", 0, "systemDisk", "sizeGb"],
        "1-2048",
    ],
];

describe("ackConfigSchema", () => {
    for (const [name, section] of goodSections) {
        it(`accepts ${name}`, () => {
            const result = ackConfigSchema.safeParse(section);
            assert.ok(result.success, result.success ? "" : JSON.stringify(result.error.issues));
        });
    }

    for (const [name, section, path, fragment] of badSections) {
        it(`refuses ${name} at ${JSON.stringify(path)}`, () => {
            const result = ackConfigSchema.safeParse(section);
            assert.ok(!result.success, "the section was accepted");
            const issue = result.error.issues[0];
            assert.deepStrictEqual(issue.path, path, `first issue: ${JSON.stringify(issue)}`);
            const text = issue.code === "unrecognized_keys" ? issue.keys.join(",") : issue.message;
            assert.ok(text.includes(fragment), `"${text}" should mention "${fragment}"`);
        });
    }

    it("fills the defaults a section may leave out", () => {
        const parsed = ackConfigSchema.parse(withKeys({ clusterSpec: undefined }));
        assert.strictEqual(parsed.clusterSpec, "ack.pro.small");
        assert.strictEqual(parsed.deletionProtection, false);
        // A private API server unless asked: public is an explicit choice (docs/SECURITY.md).
        assert.strictEqual(parsed.publicApiServer, false);
        assert.strictEqual(parsed.rrsa, true);
        assert.strictEqual(parsed.credentialMinutes, 60);
        assert.strictEqual(parsed.newNatGateway, true);
    });
});

describe("alibabaMeshConfigSchema", () => {
    it("defaults to an enterprise instance, whose edition is Pro", () => {
        const parsed = alibabaMeshConfigSchema.parse({});
        assert.strictEqual(parsed.clusterSpec, "enterprise");
        assert.strictEqual(asmEditionFor(parsed.clusterSpec), "Pro");
        assert.strictEqual(parsed.apiServerPublicEip, false);
        assert.strictEqual(parsed.crAggregationEnabled, false);
    });

    it("pairs standard with Default and enterprise or ultimate with Pro", () => {
        assert.deepStrictEqual((["standard", "enterprise", "ultimate"] as const).map(asmEditionFor), [
            "Default",
            "Pro",
            "Pro",
        ]);
        assert.ok(alibabaMeshConfigSchema.safeParse({ clusterSpec: "ultimate", edition: "Pro" }).success);
        assert.ok(alibabaMeshConfigSchema.safeParse({ clusterSpec: "standard", edition: "Default" }).success);
    });

    const bad: Array<[string, unknown, PropertyKey[], string]> = [
        [
            "an edition that contradicts the spec",
            { clusterSpec: "standard", edition: "Pro" },
            ["edition"],
            "standard uses Default",
        ],
        ["an unknown spec", { clusterSpec: "premium" }, ["clusterSpec"], "enterprise"],
        ["a malformed vSwitch id", { vswitchId: "vsw_1" }, ["vswitchId"], "'vsw-'"],
        ["an unknown key", { enableNativeSidecar: true }, [], "enableNativeSidecar"],
        ["an empty instance name", { name: "" }, ["name"], "must not be empty"],
        [
            "an empty control-plane kubeconfig",
            { controlPlaneKubeconfig: "" },
            ["controlPlaneKubeconfig"],
            "must not be empty",
        ],
        ["apiServerPublicEip as a string", { apiServerPublicEip: "yes" }, ["apiServerPublicEip"], "true or false"],
        [
            "crAggregationEnabled as a string",
            { crAggregationEnabled: "yes" },
            ["crAggregationEnabled"],
            "true or false",
        ],
    ];
    for (const [name, section, path, fragment] of bad) {
        it(`refuses ${name}`, () => {
            const result = alibabaMeshConfigSchema.safeParse(section);
            assert.ok(!result.success, "the section was accepted");
            const issue = result.error.issues[0];
            assert.deepStrictEqual(issue.path, path);
            const text = issue.code === "unrecognized_keys" ? issue.keys.join(",") : issue.message;
            assert.ok(text.includes(fragment), `"${text}" should mention "${fragment}"`);
        });
    }
});
