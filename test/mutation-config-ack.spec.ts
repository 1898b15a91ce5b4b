// The `nativemesh:ack` section and `mesh.alibaba` (components/config/ackConfig.ts), through validateConfig as a
// stack file is validated: each row is a section in, the whole one-line message out. Written for the mutation
// score of the config group (docs/MUTATION.md): values with junk before or after them, so that a pattern that
// lost an anchor lets them through; multi-digit components, so that `\d+` read as `\d` fails; a value of the
// wrong type, so that the message naming what is expected is pinned.

import * as assert from "node:assert/strict";
import { validateConfig } from "../components/config/config";
import { isIpv4Cidr } from "../components/config/ackConfig";
import { ACK_SECTION, itRefuses, type RefusalRow } from "./support/configFixtures";

type Section = Record<string, unknown>;

/** A Helm mesh on the ACK fixture, with top-level keys of the ack section replaced (`undefined` leaves one out). */
const ack = (change: Section = {}, mesh: Section = {}) => ({
    cloud: "ack",
    ack: { ...structuredClone(ACK_SECTION), ...change },
    mesh: { method: "helm", version: "1.28.1", ...mesh },
});
/** The fixture's node pool with keys replaced. */
const pool = (change: Section) => ack({ nodePools: [{ ...structuredClone(ACK_SECTION.nodePools[0]), ...change }] });
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
            () => pool({ instanceTypes: ["xecs.g7.xlarge"] }),
            `nativemesh:ack.nodePools[0].instanceTypes[0]: ${ECS} (got "xecs.g7.xlarge")`,
        ],
        [
            "an instance type with junk after it",
            () => pool({ instanceTypes: ["ecs.g7.xlarge_"] }),
            `nativemesh:ack.nodePools[0].instanceTypes[0]: ${ECS} (got "ecs.g7.xlarge_")`,
        ],
        [
            "an instance type that is not a string",
            () => pool({ instanceTypes: [1] }),
            "nativemesh:ack.nodePools[0].instanceTypes[0]: must be a string (an ECS instance type) (got 1)",
        ],
        [
            "instance types not in a list",
            () => pool({ instanceTypes: "ecs.g7.xlarge" }),
            'nativemesh:ack.nodePools[0].instanceTypes: must be a list of ECS instance types such as [ecs.g7.xlarge] (got "ecs.g7.xlarge")',
        ],
        [
            "a disk category with junk before cloud",
            () => pool({ systemDisk: { category: "xcloud_essd", sizeGb: 100 } }),
            `nativemesh:ack.nodePools[0].systemDisk.category: ${DISK} (got "xcloud_essd")`,
        ],
        [
            "a disk category with junk after it",
            () => pool({ systemDisk: { category: "cloud_essd1", sizeGb: 100 } }),
            `nativemesh:ack.nodePools[0].systemDisk.category: ${DISK} (got "cloud_essd1")`,
        ],
        [
            "a disk category that is not a string",
            () => pool({ systemDisk: { category: 1, sizeGb: 100 } }),
            "nativemesh:ack.nodePools[0].systemDisk.category: must be a string (a disk category such as cloud_essd) (got 1)",
        ],
        // Node pools.
        [
            "a pool name that is not a DNS label",
            () => pool({ name: "General Pool" }),
            `nativemesh:ack.nodePools[0].name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63) (got "General Pool")`,
        ],
        [
            "a pool name that is not a string",
            () => pool({ name: 1 }),
            "nativemesh:ack.nodePools[0].name: must be a string (a DNS-1123 label) (got 1)",
        ],
        [
            "a pool with an empty vSwitch list",
            () => pool({ vswitchIds: [] }),
            "nativemesh:ack.nodePools[0].vswitchIds: needs at least one vSwitch id (this node pool) (got [])",
        ],
        [
            "a key pair name that is not a string",
            () => pool({ keyName: 1 }),
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
            () => pool({ systemDisk: { category: "cloud", sizeGb: 40 } }),
            (s) => s.ack?.nodePools[0].systemDisk?.category,
            "cloud",
        ],
        [
            "a disk category of two words, cloud_essd_entry",
            () => pool({ systemDisk: { category: "cloud_essd_entry", sizeGb: 40 } }),
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
