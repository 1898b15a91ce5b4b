import * as assert from "assert";
import {
    ackConfigSchema,
    alibabaMeshConfigSchema,
    asmEditionFor,
    isIpv4Cidr,
} from "../../../components/config/ackConfig";
import { validateConfig } from "../../../components/config/config";
import { ACK_SECTION, itRefuses, type RefusalRow } from "../../support/configFixtures";

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

type Section = Record<string, unknown>;

/** A Helm mesh on the ACK fixture, with top-level keys of the ack section replaced (`undefined` leaves one out). */
const ack = (change: Section = {}, mesh: Section = {}) => ({
    cloud: "ack",
    ack: { ...structuredClone(ACK_SECTION), ...change },
    mesh: { method: "helm", version: "1.28.1", ...mesh },
});

/** The fixture's node pool with keys replaced. */
const withPool = (change: Section) => ack({ nodePools: [{ ...structuredClone(ACK_SECTION.nodePools[0]), ...change }] });

/** A created VPC (Flannel pods) whose first vSwitch has keys replaced; `vpc` replaces keys of `create`. */
const created = (vswitch: Section = {}, vpc: Section = {}) =>
    ack({
        vpc: {
            create: {
                cidrBlock: "10.0.0.0/8",
                vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16", ...vswitch }],
                ...vpc,
            },
        },
        podVswitchIds: undefined,
        podCidr: "172.20.0.0/16",
    });

/** An Alibaba ASM mesh with an `alibaba` section. */
const asm = (alibaba: Section) => ack({}, { method: "alibaba-asm", version: "1.22.2", alibaba });

const VPC = "must be a VPC id: 'vpc-' followed by lowercase letters and digits, e.g. vpc-bp1abc2def3";

const VSWITCH = "must be a vSwitch id: 'vsw-' followed by lowercase letters and digits, e.g. vsw-bp1abc2def3";

const REGION = "must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1";

const ZONE = "must be a zone id such as cn-hangzhou-i or ap-southeast-1a";

const VERSION = 'must be a pinned ACK version MAJOR.MINOR.PATCH[-aliyun.N], e.g. "1.30.1-aliyun.1"';

const ECS = "must be an ECS instance type such as ecs.g7.xlarge";

const DISK = "must be a disk category such as cloud_essd, cloud_auto or cloud_efficiency";

const NOT_BOTH =
    "nativemesh:ack.vpc.create: cannot be combined with vpcId/vswitchIds: use an existing VPC or create one, not both";

const CIDR = "must be an IPv4 CIDR such as 10.0.0.0/16";

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

describe("config: ACK defaults", () => {
    const ack = {
        region: "cn-hangzhou",
        clusterName: "c",
        kubernetesVersion: "1.30.1-aliyun.1",
        vpc: { vpcId: "vpc-a1", vswitchIds: ["vsw-a1"] },
        podCidr: "172.20.0.0/16",
        nodePools: [{ name: "p", instanceTypes: ["ecs.g7.xlarge"], desiredSize: 1 }],
    };
    it("private API server, RRSA on and a one-hour credential unless asked otherwise", () => {
        const parsed = ackConfigSchema.parse(ack);
        assert.equal(parsed.publicApiServer, false);
        assert.equal(parsed.rrsa, true);
        assert.equal(parsed.credentialMinutes, 60);
    });
    it("credentialMinutes stays within ACK's 15-4320", () => {
        for (const credentialMinutes of [5, 5000, 30.5]) {
            assert.equal(
                ackConfigSchema.safeParse({ ...ack, credentialMinutes }).success,
                false,
                String(credentialMinutes),
            );
        }
    });
});

// The `nativemesh:ack` section and `mesh.alibaba` (components/config/ackConfig.ts), through validateConfig as a
// stack file is validated: each row is a section in, the whole one-line message out. Written for the mutation
// score of the config group (docs/MUTATION.md): values with junk before or after them, so that a pattern that
// lost an anchor lets them through; multi-digit components, so that `\d+` read as `\d` fails; a value of the
// wrong type, so that the message naming what is expected is pinned.

describe("mutation, ack config: refusals, the whole line", () => {
    const rows: RefusalRow[] = [
        // Resource ids: the prefix must start the value and lowercase alphanumerics must end it.
        [
            "a VPC id with junk before vpc-",
            () => ack({ vpc: { vpcId: "xvpc-bp1abc", vswitchIds: ["vsw-a1"] } }),
            `nativemesh:ack.vpc.vpcId: ${VPC} (got "xvpc-bp1abc")`,
        ],
        [
            "a VPC id with junk after it",
            () => ack({ vpc: { vpcId: "vpc-bp1abc!", vswitchIds: ["vsw-a1"] } }),
            `nativemesh:ack.vpc.vpcId: ${VPC} (got "vpc-bp1abc!")`,
        ],
        [
            "a VPC id that is not a string",
            () => ack({ vpc: { vpcId: 42, vswitchIds: ["vsw-a1"] } }),
            "nativemesh:ack.vpc.vpcId: must be a string (a VPC id such as vpc-bp1abc2def3) (got 42)",
        ],
        [
            "a vSwitch id with junk before vsw-",
            () => ack({ vpc: { vpcId: "vpc-a1", vswitchIds: ["xvsw-bp1node1"] } }),
            `nativemesh:ack.vpc.vswitchIds[0]: ${VSWITCH} (got "xvsw-bp1node1")`,
        ],
        [
            "a vSwitch id with junk after it",
            () => ack({ vpc: { vpcId: "vpc-a1", vswitchIds: ["vsw-bp1node1!"] } }),
            `nativemesh:ack.vpc.vswitchIds[0]: ${VSWITCH} (got "vsw-bp1node1!")`,
        ],
        [
            "a vSwitch id that is not a string",
            () => ack({ vpc: { vpcId: "vpc-a1", vswitchIds: [7] } }),
            "nativemesh:ack.vpc.vswitchIds[0]: must be a string (a vSwitch id such as vsw-bp1abc2def3) (got 7)",
        ],
        [
            "an ASM vSwitch id with junk before vsw-",
            () => asm({ vswitchId: "xvsw-a1" }),
            `nativemesh:mesh.alibaba.vswitchId: ${VSWITCH} (got "xvsw-a1")`,
        ],
        // Region and zone ids.
        [
            "a region id with junk before it",
            () => ack({ region: "_cn-hangzhou" }),
            `nativemesh:ack.region: ${REGION} (got "_cn-hangzhou")`,
        ],
        [
            "a region id with junk after it",
            () => ack({ region: "cn-hangzhou_" }),
            `nativemesh:ack.region: ${REGION} (got "cn-hangzhou_")`,
        ],
        [
            "a region id that is not a string",
            () => ack({ region: 1 }),
            "nativemesh:ack.region: must be a string (an Alibaba Cloud region id such as cn-hangzhou) (got 1)",
        ],
        [
            "a zone id with junk before it",
            () => created({ zoneId: "_cn-hangzhou-i" }),
            `nativemesh:ack.vpc.create.vswitches[0].zoneId: ${ZONE} (got "_cn-hangzhou-i")`,
        ],
        [
            "a zone id with junk after it",
            () => created({ zoneId: "cn-hangzhou-i_" }),
            `nativemesh:ack.vpc.create.vswitches[0].zoneId: ${ZONE} (got "cn-hangzhou-i_")`,
        ],
        [
            "a zone id that is not a string",
            () => created({ zoneId: 1 }),
            "nativemesh:ack.vpc.create.vswitches[0].zoneId: must be a string (a zone id such as cn-hangzhou-i) (got 1)",
        ],
        // The pinned ACK version.
        [
            "a version with a v before it",
            () => ack({ kubernetesVersion: "v1.30.1-aliyun.1" }),
            `nativemesh:ack.kubernetesVersion: ${VERSION} (got "v1.30.1-aliyun.1")`,
        ],
        [
            "a version with junk after the build",
            () => ack({ kubernetesVersion: "1.30.1-aliyun.1x" }),
            `nativemesh:ack.kubernetesVersion: ${VERSION} (got "1.30.1-aliyun.1x")`,
        ],
        // ECS instance types and disk categories.
        [
            "an instance type with junk before ecs.",
            () => withPool({ instanceTypes: ["xecs.g7.xlarge"] }),
            `nativemesh:ack.nodePools[0].instanceTypes[0]: ${ECS} (got "xecs.g7.xlarge")`,
        ],
        [
            "an instance type with junk after it",
            () => withPool({ instanceTypes: ["ecs.g7.xlarge_"] }),
            `nativemesh:ack.nodePools[0].instanceTypes[0]: ${ECS} (got "ecs.g7.xlarge_")`,
        ],
        [
            "an instance type that is not a string",
            () => withPool({ instanceTypes: [1] }),
            "nativemesh:ack.nodePools[0].instanceTypes[0]: must be a string (an ECS instance type) (got 1)",
        ],
        [
            "instance types not in a list",
            () => withPool({ instanceTypes: "ecs.g7.xlarge" }),
            'nativemesh:ack.nodePools[0].instanceTypes: must be a list of ECS instance types such as [ecs.g7.xlarge] (got "ecs.g7.xlarge")',
        ],
        [
            "a disk category with junk before cloud",
            () => withPool({ systemDisk: { category: "xcloud_essd", sizeGb: 100 } }),
            `nativemesh:ack.nodePools[0].systemDisk.category: ${DISK} (got "xcloud_essd")`,
        ],
        [
            "a disk category with junk after it",
            () => withPool({ systemDisk: { category: "cloud_essd1", sizeGb: 100 } }),
            `nativemesh:ack.nodePools[0].systemDisk.category: ${DISK} (got "cloud_essd1")`,
        ],
        [
            "a disk category that is not a string",
            () => withPool({ systemDisk: { category: 1, sizeGb: 100 } }),
            "nativemesh:ack.nodePools[0].systemDisk.category: must be a string (a disk category such as cloud_essd) (got 1)",
        ],
        // Node pools.
        [
            "a pool name that is not a DNS label",
            () => withPool({ name: "General Pool" }),
            `nativemesh:ack.nodePools[0].name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63) (got "General Pool")`,
        ],
        [
            "a pool name that is not a string",
            () => withPool({ name: 1 }),
            "nativemesh:ack.nodePools[0].name: must be a string (a DNS-1123 label) (got 1)",
        ],
        [
            "a pool with an empty vSwitch list",
            () => withPool({ vswitchIds: [] }),
            "nativemesh:ack.nodePools[0].vswitchIds: needs at least one vSwitch id (this node pool) (got [])",
        ],
        [
            "a key pair name that is not a string",
            () => withPool({ keyName: 1 }),
            "nativemesh:ack.nodePools[0].keyName: must be a string (an ECS key pair name) (got 1)",
        ],
        // The cluster and its network.
        [
            "a cluster name that is not a string",
            () => ack({ clusterName: 1 }),
            "nativemesh:ack.clusterName: must be a string (the ACK cluster name) (got 1)",
        ],
        [
            "an empty Terway vSwitch list",
            () => ack({ podVswitchIds: [] }),
            "nativemesh:ack.podVswitchIds: needs at least one vSwitch id (Terway pods) (got [])",
        ],
        [
            "a pod range that is not a CIDR",
            () => ack({ podVswitchIds: undefined, podCidr: "172.20.0.0" }),
            `nativemesh:ack.podCidr: ${CIDR} (got "172.20.0.0")`,
        ],
        [
            "a pod range that is not a string",
            () => ack({ podVswitchIds: undefined, podCidr: 1 }),
            "nativemesh:ack.podCidr: must be a string (an IPv4 CIDR such as 10.0.0.0/16) (got 1)",
        ],
        [
            "a VPC that is not an object",
            () => ack({ vpc: "vpc-bp1abc" }),
            'nativemesh:ack.vpc: must be {vpcId, vswitchIds} (an existing VPC) or {create: {cidrBlock, vswitches}} (got "vpc-bp1abc")',
        ],
        [
            "created vSwitches not in a list",
            () => created({}, { vswitches: "vsw" }),
            'nativemesh:ack.vpc.create.vswitches: must be a list of {zoneId, cidrBlock} (got "vsw")',
        ],
        [
            "created pod vSwitches not in a list",
            () => created({}, { podVswitches: "vsw" }),
            'nativemesh:ack.vpc.create.podVswitches: must be a list of {zoneId, cidrBlock} (got "vsw")',
        ],
        [
            "a created VPC beside an existing VPC id alone",
            () =>
                ack({
                    vpc: {
                        vpcId: "vpc-a1",
                        create: {
                            cidrBlock: "10.0.0.0/8",
                            vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }],
                        },
                    },
                }),
            `${NOT_BOTH} (got {"cidrBlock":"10.0.0.0/8","vswitches":[{"zoneId":"cn-hang...)`,
        ],
        [
            "a created VPC beside existing vSwitch ids alone",
            () =>
                ack({
                    vpc: {
                        vswitchIds: ["vsw-a1"],
                        create: {
                            cidrBlock: "10.0.0.0/8",
                            vswitches: [{ zoneId: "cn-hangzhou-i", cidrBlock: "10.1.0.0/16" }],
                        },
                    },
                }),
            `${NOT_BOTH} (got {"cidrBlock":"10.0.0.0/8","vswitches":[{"zoneId":"cn-hang...)`,
        ],
        // mesh.alibaba.
        [
            "an ASM instance name that is not a string",
            () => asm({ name: 1 }),
            "nativemesh:mesh.alibaba.name: must be a string (the ASM instance name) (got 1)",
        ],
        [
            "a control-plane kubeconfig that is not a string",
            () => asm({ controlPlaneKubeconfig: 1 }),
            "nativemesh:mesh.alibaba.controlPlaneKubeconfig: must be a string (a kubeconfig) (got 1)",
        ],
    ];
    itRefuses(rows);
});

describe("mutation, ack config: values at the edges of what is allowed are accepted", () => {
    const rows: Array<[string, () => unknown, (spec: ReturnType<typeof validateConfig>) => unknown, unknown]> = [
        [
            "a two-digit patch",
            () => ack({ kubernetesVersion: "1.30.12-aliyun.1" }),
            (s) => s.ack?.kubernetesVersion,
            "1.30.12-aliyun.1",
        ],
        [
            "a two-digit build",
            () => ack({ kubernetesVersion: "1.30.1-aliyun.12" }),
            (s) => s.ack?.kubernetesVersion,
            "1.30.1-aliyun.12",
        ],
        ["a two-digit major", () => ack({ kubernetesVersion: "10.0.1" }), (s) => s.ack?.kubernetesVersion, "10.0.1"],
        [
            "the basic disk category, cloud",
            () => withPool({ systemDisk: { category: "cloud", sizeGb: 40 } }),
            (s) => s.ack?.nodePools[0].systemDisk?.category,
            "cloud",
        ],
        [
            "a disk category of two words, cloud_essd_entry",
            () => withPool({ systemDisk: { category: "cloud_essd_entry", sizeGb: 40 } }),
            (s) => s.ack?.nodePools[0].systemDisk?.category,
            "cloud_essd_entry",
        ],
    ];
    for (const [name, build, read, expected] of rows) {
        it(name, () => assert.deepEqual(read(validateConfig(build())), expected));
    }
});

describe("mutation, ack config: isIpv4Cidr", () => {
    it("reads the whole value: no digits before the first octet, none after the prefix", () => {
        const table: Array<[string, boolean]> = [
            ["10.0.0.0/16", true],
            ["255.255.255.255/32", true],
            ["1110.0.0.0/16", false],
            ["x10.0.0.0/16", false],
            ["10.0.0.0/160", false],
            ["10.0.0.0/16x", false],
            ["10.0.0.256/16", false],
            ["10.0.0.0/33", false],
        ];
        for (const [value, valid] of table) assert.equal(isIpv4Cidr(value), valid, value);
    });
});
