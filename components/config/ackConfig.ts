/**
 * The `nativemesh:ack` section (an ACK cluster) and the `alibaba:` sub-object of `nativemesh:mesh` (an Alibaba
 * Service Mesh instance), as zod schemas.
 *
 * Pure: no Pulumi import. Paths are relative to the section; config.ts prefixes them (`nativemesh:ack.<path>`)
 * and prints one line per problem, so every message says what is allowed.
 *
 * Deliberately NOT checked here: whether the Kubernetes or ASM version is new enough for native sidecars.
 * That is the policy pack's call (Alibaba "Deploy mesh proxy in native sidecar mode": ACK ≥ 1.30, ASM ≥ 1.22,
 * both kept configurable; docs/ALIBABA.md).
 */
import { z } from "zod";
import { isDns1123Label } from "../../policy/facts/versions";

// Alibaba resource ids are a type prefix, a dash and lowercase alphanumerics, e.g. vpc-xzelac2tw4ic7wz31****
// and vsw-xzegf5dndkbf4m6eg**** (Alibaba API reference, CreateServiceMesh request parameters).
const VPC_ID = /^vpc-[a-z0-9]+$/;
const VSWITCH_ID = /^vsw-[a-z0-9]+$/;

// Region ids: cn-hangzhou, ap-southeast-1, eu-central-1, cn-shanghai-finance-1.
const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;

// Zone ids: cn-hangzhou-i, ap-southeast-1a.
const ZONE_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;

// A pinned ACK version: MAJOR.MINOR.PATCH with ACK's optional "-aliyun.N" build suffix, as in 1.30.1-aliyun.1
// (the version strings ACK lists, e.g. in @pulumi/alicloud cs/managedKubernetes.d.ts examples).
const ACK_VERSION = /^\d+\.\d+\.\d+(-aliyun\.\d+)?$/;

// ECS instance types: ecs.<family>.<size>, e.g. ecs.g7.xlarge, ecs.gn7i-c8g1.2xlarge.
const ECS_INSTANCE_TYPE = /^ecs\.[a-z0-9-]+\.[a-z0-9-]+$/;

// Disk categories are cloud_<kind>: cloud_efficiency, cloud_essd, cloud_auto... (@pulumi/alicloud cs/nodePool.d.ts).
const DISK_CATEGORY = /^cloud(_[a-z]+)*$/;

/** ACK managed cluster specifications (@pulumi/alicloud 3.108 cs/managedKubernetes.d.ts, `clusterSpec`). */
export const ACK_CLUSTER_SPECS = [
    "ack.standard",
    "ack.pro.small",
    "ack.pro.xlarge",
    "ack.pro.2xlarge",
    "ack.pro.4xlarge",
] as const;

/** ASM instance specifications and editions (terraform-provider-alicloud `resource_alicloud_service_mesh_service_mesh.go`
 *  validation: cluster_spec standard|enterprise|ultimate, edition Default|Pro). */
export const ASM_CLUSTER_SPECS = ["standard", "enterprise", "ultimate"] as const;
export const ASM_EDITIONS = ["Default", "Pro"] as const;

/** The edition an ASM specification belongs to: the provider's examples pair `standard` with `Default` and
 *  `enterprise` with `Pro` (terraform-provider-alicloud website/docs/r/service_mesh_service_mesh.html.markdown). */
export function asmEditionFor(clusterSpec: (typeof ASM_CLUSTER_SPECS)[number]): (typeof ASM_EDITIONS)[number] {
    return clusterSpec === "standard" ? "Default" : "Pro";
}

const text = (what: string) => z.string({ error: `must be a string (${what})` });

const vpcId = text("a VPC id such as vpc-bp1abc2def3").regex(VPC_ID, {
    message: "must be a VPC id: 'vpc-' followed by lowercase letters and digits, e.g. vpc-bp1abc2def3",
});

const vswitchId = text("a vSwitch id such as vsw-bp1abc2def3").regex(VSWITCH_ID, {
    message: "must be a vSwitch id: 'vsw-' followed by lowercase letters and digits, e.g. vsw-bp1abc2def3",
});

const vswitchIds = (what: string) =>
    z
        .array(vswitchId, { error: `must be a list of vSwitch ids (${what})` })
        .min(1, { message: `needs at least one vSwitch id (${what})` });

/** An IPv4 CIDR: four octets of 0-255 and a prefix length of 0-32. */
export function isIpv4Cidr(value: string): boolean {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!match) return false;
    const octets = match.slice(1, 5).map(Number);
    // IPv4: four octets of 0-255 and a prefix length of 0-32.
    return octets.every((o) => o <= 255) && Number(match[5]) <= 32;
}

const cidr = text("an IPv4 CIDR such as 10.0.0.0/16").refine(isIpv4Cidr, {
    message: "must be an IPv4 CIDR such as 10.0.0.0/16",
});

const zoneId = text("a zone id such as cn-hangzhou-i").regex(ZONE_ID, {
    message: "must be a zone id such as cn-hangzhou-i or ap-southeast-1a",
});

const vswitchToCreate = z.strictObject({
    zoneId,
    cidrBlock: cidr,
});

const vpcToCreate = z.strictObject({
    /** The VPC's range; every vSwitch below must fit inside it (Alibaba checks that). */
    cidrBlock: cidr,
    /** vSwitches for nodes and the control plane, one per zone you want to use. */
    vswitches: z
        .array(vswitchToCreate, { error: "must be a list of {zoneId, cidrBlock}" })
        .min(1, { message: "needs at least one {zoneId, cidrBlock}" }),
    /** Terway pod vSwitches, in the same zones as the node vSwitches (provider docs, `podVswitchIds`). */
    podVswitches: z.array(vswitchToCreate, { error: "must be a list of {zoneId, cidrBlock}" }).optional(),
});

/**
 * Either an existing VPC (`vpcId` and `vswitchIds`) or one the stack creates (`create`).
 * One strict object rather than a zod union, so a bad vSwitch id is reported at its own path
 * (`vpc.vswitchIds[1]`) instead of as "no union member matched".
 */
const vpcSchema = z
    .strictObject(
        {
            vpcId: vpcId.optional(),
            vswitchIds: vswitchIds("control plane and nodes").optional(),
            create: vpcToCreate.optional(),
        },
        { error: "must be {vpcId, vswitchIds} (an existing VPC) or {create: {cidrBlock, vswitches}}" },
    )
    .superRefine((vpc, ctx) => {
        const existing = vpc.vpcId !== undefined || vpc.vswitchIds !== undefined;
        if (vpc.create !== undefined && existing) {
            ctx.addIssue({
                code: "custom",
                path: ["create"],
                message: "cannot be combined with vpcId/vswitchIds: use an existing VPC or create one, not both",
            });
        } else if (vpc.create === undefined && vpc.vpcId === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["vpcId"],
                message: "is required (an existing VPC with vswitchIds), unless the VPC is created with vpc.create",
            });
        } else if (vpc.create === undefined && vpc.vswitchIds === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["vswitchIds"],
                message: "is required with vpcId: the vSwitches of the cluster",
            });
        }
    });

const autoscalingSchema = z
    .strictObject({
        // The scaling group's range is 0-1000 and maxSize must exceed minSize (@pulumi/alicloud types/input.d.ts,
        // NodePoolScalingConfig).
        minSize: z.number({ error: "must be a whole number 0-1000" }).int().min(0).max(1000),
        maxSize: z.number({ error: "must be a whole number 1-1000" }).int().min(1).max(1000),
    })
    .refine((a) => a.maxSize > a.minSize, {
        message: "maxSize must be greater than minSize (use desiredSize for a fixed size)",
        path: ["maxSize"],
    });

const systemDiskSchema = z.strictObject({
    category: text("a disk category such as cloud_essd").regex(DISK_CATEGORY, {
        message: "must be a disk category such as cloud_essd, cloud_auto or cloud_efficiency",
    }),
    // 1-2048 GiB covers every category; each category narrows it and Alibaba checks that
    // (@pulumi/alicloud cs/nodePool.d.ts, `systemDiskSize`).
    sizeGb: z.number({ error: "must be a whole number of GiB, 1-2048" }).int().min(1).max(2048),
});

const nodePoolSchema = z
    .strictObject({
        /** Node pool name; also names the Pulumi resource, hence a DNS-1123 label. */
        name: text("a DNS-1123 label").refine(isDns1123Label, {
            message: "must be a DNS-1123 label (lowercase letters, digits and '-', at most 63)",
        }),
        instanceTypes: z
            .array(
                text("an ECS instance type").regex(ECS_INSTANCE_TYPE, {
                    message: "must be an ECS instance type such as ecs.g7.xlarge",
                }),
                { error: "must be a list of ECS instance types such as [ecs.g7.xlarge]" },
            )
            .min(1, { message: "needs at least one ECS instance type such as ecs.g7.xlarge" }),
        /** A fixed node count; or `autoscaling`, not both. */
        desiredSize: z.number({ error: "must be a whole number of nodes, 0 or more" }).int().min(0).optional(),
        autoscaling: autoscalingSchema.optional(),
        systemDisk: systemDiskSchema.optional(),
        /** vSwitches of this pool; the cluster's vSwitches when omitted. */
        vswitchIds: vswitchIds("this node pool").optional(),
        /** ECS key pair for SSH; nodes have no login when omitted. */
        keyName: text("an ECS key pair name").min(1).optional(),
    })
    .superRefine((pool, ctx) => {
        if ((pool.desiredSize === undefined) === (pool.autoscaling === undefined)) {
            ctx.addIssue({
                code: "custom",
                path: ["desiredSize"],
                message: "set exactly one of desiredSize (fixed size) or autoscaling {minSize, maxSize}",
            });
        }
    });

/** The `nativemesh:ack` section: one ACK managed cluster, its network and its node pools. */
export const ackConfigSchema = z
    .strictObject({
        region: text("an Alibaba Cloud region id such as cn-hangzhou").regex(REGION_ID, {
            message: "must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1",
        }),
        clusterName: text("the ACK cluster name").min(1, { message: "must not be empty" }),
        /** Pinned, so the cluster never moves below the native-sidecar floor on its own. */
        kubernetesVersion: z
            .string({
                error: 'must be a quoted string such as "1.30.1-aliyun.1" (YAML reads an unquoted 1.30 as the number 1.3)',
            })
            .regex(ACK_VERSION, {
                message: 'must be a pinned ACK version MAJOR.MINOR.PATCH[-aliyun.N], e.g. "1.30.1-aliyun.1"',
            }),
        clusterSpec: z.enum(ACK_CLUSTER_SPECS).default("ack.pro.small"),
        vpc: vpcSchema,
        /** Terway pod vSwitches of an existing VPC (with `vpc.create`, use `vpc.create.podVswitches`). */
        podVswitchIds: vswitchIds("Terway pods").optional(),
        /** Flannel pod range, instead of Terway pod vSwitches. */
        podCidr: cidr.optional(),
        serviceCidr: cidr.optional(),
        nodePools: z
            .array(nodePoolSchema, { error: "must be a list of node pools" })
            .min(1, { message: "needs at least one node pool" }),
        /** An Internet endpoint (an EIP on the API server's SLB). Off by default: a public API server is open to
         *  every address on the Internet that holds or steals a credential; turn it on only when `pulumi up` must
         *  run from outside the VPC, and prefer a VPN or a machine in the VPC. */
        publicApiServer: z.boolean({ error: "must be true or false" }).default(false),
        /** RAM Roles for Service Accounts (RRSA): pods get short-lived RAM credentials through OIDC instead of
         *  the node's role (@pulumi/alicloud cs/managedKubernetes.d.ts, `enableRrsa`). */
        rrsa: z.boolean({ error: "must be true or false" }).default(true),
        /** Lifetime of the kubeconfig credential nativemesh reads for the cluster, in minutes (15-4320,
         *  `temporaryDurationMinutes` of cs/getClusterCredential.d.ts). It is read again on every run. */
        credentialMinutes: z
            .number({ error: "must be a whole number of minutes, 15-4320" })
            .int({ message: "must be a whole number of minutes, 15-4320" })
            .min(15, { message: "must be at least 15 minutes (ACK's minimum)" })
            .max(4320, { message: "must be at most 4320 minutes (3 days, ACK's maximum)" })
            .default(60),
        /** Create a NAT gateway so nodes can pull images (provider default: true). */
        newNatGateway: z.boolean({ error: "must be true or false" }).default(true),
        /** Refuse deleting the cluster (`deletionProtection` of @pulumi/alicloud cs/managedKubernetes.d.ts, "Whether
         *  to enable cluster deletion protection"): on by default, so that a stray `pulumi destroy` or replacement
         *  cannot delete a cluster and its workloads; a throw-away stack sets it false. */
        deletionProtection: z.boolean({ error: "must be true or false" }).default(true),
    })
    .superRefine((ack, ctx) => {
        const terway = ack.podVswitchIds !== undefined || ack.vpc.create?.podVswitches !== undefined;
        if (ack.podVswitchIds !== undefined && ack.vpc.create !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["podVswitchIds"],
                message: "needs an existing VPC (vpc.vpcId); with vpc.create list them as vpc.create.podVswitches",
            });
        } else if (terway && ack.podCidr !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["podCidr"],
                message: "is Flannel's pod range and cannot be combined with Terway pod vSwitches: choose one",
            });
        } else if (!terway && ack.podCidr === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["podVswitchIds"],
                message:
                    "is required unless podCidr is set: pods need Terway vSwitches (podVswitchIds) or a Flannel podCidr",
            });
        }
        const seen = new Set<string>();
        ack.nodePools.forEach((pool, i) => {
            if (seen.has(pool.name)) {
                ctx.addIssue({
                    code: "custom",
                    path: ["nodePools", i, "name"],
                    message: `'${pool.name}' is used by two node pools`,
                });
            }
            seen.add(pool.name);
        });
    });

/** The optional `alibaba:` sub-object of `nativemesh:mesh` for `method: alibaba-asm`. */
export const alibabaMeshConfigSchema = z
    .strictObject({
        /** ASM instance name; the cluster's name when omitted. */
        name: text("the ASM instance name").min(1, { message: "must not be empty" }).optional(),
        /** Canary upgrades by revision need Enterprise or Ultimate (Alibaba "Use canary mode to enhance upgrade
         *  stability"), hence enterprise by default. */
        clusterSpec: z.enum(ASM_CLUSTER_SPECS).default("enterprise"),
        /** Derived from clusterSpec when omitted (asmEditionFor). */
        edition: z.enum(ASM_EDITIONS).optional(),
        /** The vSwitch the ASM instance attaches to; the cluster's first vSwitch when omitted. */
        vswitchId: vswitchId.optional(),
        /** Expose the ASM API server on an EIP. */
        apiServerPublicEip: z.boolean({ error: "must be true or false" }).default(false),
        /** Let the ACK cluster's own API serve the mesh's Istio resources ("data plane KubeAPI access"). */
        crAggregationEnabled: z.boolean({ error: "must be true or false" }).default(false),
        /** Kubeconfig of the ASM control plane to use instead of the instance's own (VPC-internal) one, e.g. its
         *  Internet kubeconfig with apiServerPublicEip; a credential: set it with `pulumi config set --secret`. */
        controlPlaneKubeconfig: text("a kubeconfig").min(1, { message: "must not be empty" }).optional(),
    })
    .superRefine((asm, ctx) => {
        if (asm.edition !== undefined && asm.edition !== asmEditionFor(asm.clusterSpec)) {
            ctx.addIssue({
                code: "custom",
                path: ["edition"],
                message: `'${asm.edition}' does not go with clusterSpec ${asm.clusterSpec}: standard uses Default, enterprise and ultimate use Pro`,
            });
        }
    });

export type AckConfig = z.output<typeof ackConfigSchema>;
export type AckNodePoolConfig = z.output<typeof nodePoolSchema>;
export type AlibabaMeshConfig = z.output<typeof alibabaMeshConfigSchema>;
