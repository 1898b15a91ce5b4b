// The offline engine and the CrossGuard adapter around the rules: what a policy says it does not read, props
// that are not an object, and a rule that fails on a resource (reported, never thrown).
import * as assert from "node:assert/strict";
import { ISTIO_OPERATOR } from "../../policy/control-planes";
import { evaluatePolicies, PolicyConfigError, type StackResource, type Violation } from "../../policy/evaluate";
import { stackResource } from "../support/stackResource";
import fc from "fast-check";
import { SECRET, UNKNOWN } from "../support/policy/cases";
import { PLACES, STATES, truthOf, type State } from "../support/policy/places";

const ISTIO_VERSION = "istio-version-supports-native-sidecars";

const LEVELS = "advisory, mandatory, remediate, disabled";

/** The message of the PolicyConfigError `run` throws; fails the test on any other outcome. */
function configErrorOf(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof PolicyConfigError, `not a PolicyConfigError: ${String(error)}`);
        return error.message;
    }
    assert.fail("accepted a config that should be refused");
}

describe("offline engine: a rule that fails on a resource", () => {
    // A value the pack cannot read without an error: a getter that throws, as a broken proxy would.
    const exploding: StackResource = {
        urn: "urn:pulumi:test::nativemesh::kubernetes:batch/v1:Job::job",
        type: "kubernetes:batch/v1:Job",
        name: "job",
        props: {
            get spec(): unknown {
                throw new Error("boom");
            },
        },
    };
    const failures = (packConfig?: unknown, strict?: boolean) =>
        evaluatePolicies([exploding], packConfig, { strict }).filter((violation) =>
            violation.message.startsWith("could not evaluate jobs-terminate-with-native-sidecars"),
        );

    it("is reported as advisory, naming the policy and the error, with no URN", () => {
        assert.deepEqual(failures(), [
            {
                policy: "jobs-terminate-with-native-sidecars",
                enforcementLevel: "advisory",
                urn: "",
                message: "could not evaluate jobs-terminate-with-native-sidecars: boom",
            },
        ]);
    });

    it("counts at the policy's level in strict mode (--strict or the policy's strict key)", () => {
        assert.equal(failures(undefined, true)[0]?.enforcementLevel, "mandatory");
        assert.equal(
            failures({ "jobs-terminate-with-native-sidecars": { strict: true } })[0]?.enforcementLevel,
            "mandatory",
        );
        assert.equal(
            failures({ "jobs-terminate-with-native-sidecars": { strict: true, enforcementLevel: "advisory" } })[0]
                ?.enforcementLevel,
            "advisory",
        );
    });
});

// The policy engine's edges, as tables: which pack configs the offline engine takes and the whole message for
// those it refuses (levels under "all", version floors that look like versions but are not), the configSchema
// CrossGuard is given, props that are not an object in the CrossGuard adapter, an IstioOperator k8s env entry
// without a name, and which Formance Settings resources the workload readers take as namespace labels or pod
// template annotations.

describe("offline engine: pack configs it accepts", () => {
    // An istiod 1.18 IstioOperator: istio-version-supports-native-sidecars refuses it at its default level.
    const below = (level: Violation["enforcementLevel"]): Violation => ({
        policy: ISTIO_VERSION,
        enforcementLevel: level,
        urn: "urn:pulumi:s::p::kubernetes:install.istio.io/v1alpha1:IstioOperator::istiod",
        message:
            'istiod (kubernetes:install.istio.io/v1alpha1:IstioOperator): istiod spec.tag "1.18.0" is below 1.19. Native sidecar injection first shipped in Istio 1.19.0 (istio/istio pilot/pkg/features, ENABLE_NATIVE_SIDECARS, tag 1.19.0). Fix: use istiod 1.19 or later (1.28+ recommended).',
    });
    const table: Array<[string, unknown, Violation[]]> = [
        ["no config", undefined, [below("mandatory")]],
        ["a JSON null config, as no config", null, [below("mandatory")]],
        ['"all" as an object without enforcementLevel keeps the default', { all: {} }, [below("mandatory")]],
        ['"all" as an object with a level sets it', { all: { enforcementLevel: "advisory" } }, [below("advisory")]],
        ['"all" as a level string sets it', { all: "advisory" }, [below("advisory")]],
    ];
    for (const [name, packConfig, expected] of table) {
        it(`${name}: the pack runs with it`, () => {
            const resource = stackResource(ISTIO_OPERATOR, "istiod", { spec: { tag: "1.18.0" } });
            const found = evaluatePolicies([resource], packConfig).filter(
                (violation) => violation.policy === ISTIO_VERSION,
            );
            assert.deepEqual(found, expected);
        });
    }
});

describe("offline engine: pack configs it refuses, with the whole message", () => {
    const notVersion = (key: string, value: string) =>
        `policy "${ISTIO_VERSION}": config "${key}" is ${JSON.stringify(value)}; expected a version such as "1.29"`;
    // Shaped like a version (digits and dots) but not one the pack can compare: a part beyond 2^53, or longer
    // than parseVersion reads (256 characters).
    const huge = "9007199254740993.0";
    const long = `1.${"0".repeat(300)}`;
    const table: Array<[string, unknown, string]> = [
        [
            '"all" as a string that is not a level',
            { all: "loud" },
            `policy "all": enforcementLevel "loud" is not one of ${LEVELS}`,
        ],
        [
            '"all" as an object whose enforcementLevel is not a level',
            { all: { enforcementLevel: "loud" } },
            `policy "all": enforcementLevel "loud" is not one of ${LEVELS}`,
        ],
        [
            "a version floor with a part too large to compare",
            { [ISTIO_VERSION]: { istioMinVersion: huge } },
            notVersion("istioMinVersion", huge),
        ],
        [
            "a version floor longer than a version is read",
            { [ISTIO_VERSION]: { asmMinVersion: long } },
            notVersion("asmMinVersion", long),
        ],
    ];
    for (const [name, packConfig, expected] of table) {
        it(`${name}: refused before any rule runs`, () => {
            assert.equal(
                configErrorOf(() => evaluatePolicies([], packConfig)),
                expected,
            );
        });
    }
});

// Property: stacks built from the places docs/POLICY.md enumerates, each holding the switch on, off, or a value
// the pack cannot read (secret, unknown, wrong type), beside resources that cannot affect the mesh. The pack's
// verdict must equal the truth at each place: on is silent, off is mandatory, unreadable is "cannot tell"
// (advisory by default, mandatory under strict), whatever else the stack holds.
describe("evaluate: what the pack proves (issue 20)", () => {
    // Resources that provably cannot affect the mesh: the pack must stay silent about them.
    const BYSTANDERS: Array<Omit<StackResource, "urn" | "name">> = [
        {
            type: "kubernetes:core/v1:ConfigMap",
            props: { metadata: { name: "app" }, data: { ENABLE_NATIVE_SIDECARS: "false" } },
        },
        { type: "kubernetes:core/v1:Service", props: { spec: { type: "ClusterIP", ports: [{ port: 80 }] } } },
        { type: "gcp:storage/bucket:Bucket", props: { location: "EU" } },
        {
            type: "kubernetes:apps/v1:Deployment",
            props: { spec: { template: { spec: { containers: [{ name: "discovery", image: "nginx:1.27" }] } } } },
        },
    ];

    interface Built {
        stack: StackResource[];
        placed: Array<{ place: number; state: State; urns: string[] }>;
    }

    function build(choices: Array<{ place: number; state: State }>, bystanders: number[]): Built {
        const stack: StackResource[] = [];
        const placed: Built["placed"] = [];
        choices.forEach(({ place, state }, position) => {
            const urns: string[] = [];
            PLACES[place].build(state).forEach((resource, index) => {
                const name = `${resource.name ?? "r"}-${position}-${index}`;
                const urn = `urn:pulumi:prod::p::${resource.type}::${name}`;
                urns.push(urn);
                stack.push({ urn, type: resource.type, name, props: resource.props });
            });
            placed.push({ place, state, urns });
        });
        bystanders.forEach((which, index) => {
            const { type, props } = BYSTANDERS[which];
            const name = `bystander-${index}`;
            stack.push({ urn: `urn:pulumi:prod::p::${type}::${name}`, type, name, props });
        });
        return { stack, placed };
    }

    const choice = fc.record({
        place: fc.integer({ min: 0, max: PLACES.length - 1 }),
        state: fc.constantFrom(...STATES),
    });
    const stacks = fc.record({
        choices: fc.uniqueArray(choice, { minLength: 1, maxLength: 5, selector: (entry) => entry.place }),
        bystanders: fc.array(fc.integer({ min: 0, max: BYSTANDERS.length - 1 }), { maxLength: 4 }),
    });

    describe("evaluatePolicies: the verdict equals the truth at every enumerated place", () => {
        it("on is silent, off is mandatory, unreadable is cannot tell (advisory; mandatory under strict)", () => {
            fc.assert(
                fc.property(stacks, ({ choices, bystanders }) => {
                    const { stack, placed } = build(choices, bystanders);
                    const loose = evaluatePolicies(stack);
                    const strict = evaluatePolicies(stack, undefined, { strict: true });
                    for (const { place, state, urns } of placed) {
                        const { policy, name } = PLACES[place];
                        const own = (list: typeof loose) => list.filter((violation) => urns.includes(violation.urn));
                        const mine = own(loose);
                        const label = `${name} ${state}: ${JSON.stringify(mine)}`;
                        const truth = truthOf([state]);
                        if (truth === "silent") assert.deepEqual(mine, [], label);
                        else if (truth === "mandatory") {
                            assert.ok(
                                mine.some((v) => v.policy === policy && v.enforcementLevel === "mandatory"),
                                label,
                            );
                        } else {
                            assert.ok(
                                mine.every((v) => v.enforcementLevel === "advisory") &&
                                    mine.some((v) => v.policy === policy && /cannot tell/.test(v.message)),
                                label,
                            );
                            assert.ok(
                                own(strict).some((v) => v.policy === policy && v.enforcementLevel === "mandatory"),
                                `strict: ${label}`,
                            );
                        }
                    }
                    // The stack as a whole: its worst level is the truth of all its places; bystanders are silent.
                    const truth = truthOf(placed.map((entry) => entry.state));
                    const worst = loose.some((v) => v.enforcementLevel === "mandatory")
                        ? "mandatory"
                        : loose.length > 0
                          ? "cannot-tell"
                          : "silent";
                    assert.equal(worst, truth, JSON.stringify(loose));
                    assert.ok(
                        loose.every((violation) => !violation.urn.includes("::bystander-")),
                        "a resource that cannot affect the mesh was reported",
                    );
                }),
                { numRuns: 300 },
            );
        });
    });
    // The paths where a place's "on" and "off" resources differ: the switch. Every step on the way to it is a
    // place an unreadable value can live (a secret or an unknown in place of `values`, `spec`, a container...).
    type Path = Array<string | number>;
    function switchPaths(on: unknown, off: unknown, path: Path = []): Path[] {
        if (typeof on === "object" && on !== null && typeof off === "object" && off !== null) {
            const keys = new Set([...Object.keys(on), ...Object.keys(off)]);
            return [...keys].flatMap((key) =>
                switchPaths((on as Record<string, unknown>)[key], (off as Record<string, unknown>)[key], [
                    ...path,
                    Array.isArray(on) ? Number(key) : key,
                ]),
            );
        }
        return on === off ? [] : [path];
    }
    function replaced(root: unknown, path: Path, value: unknown): unknown {
        if (path.length === 0) return value;
        const [step, ...rest] = path;
        if (Array.isArray(root))
            return root.map((entry, index) => (index === step ? replaced(entry, rest, value) : entry));
        const copy = { ...(root as Record<string, unknown>) };
        copy[step] = replaced(copy[step], rest, value);
        return copy;
    }
    const ancestors = PLACES.flatMap((place) => {
        const on = place.build("on");
        const off = place.build("off");
        if (on.length === 0 || on.length !== off.length) return [];
        return on.flatMap((resource, index) =>
            switchPaths(resource.props, off[index].props).flatMap((leaf) =>
                leaf.map((_, depth) => ({ place, index, path: leaf.slice(0, depth + 1) })),
            ),
        );
    });

    it("a secret or an unknown anywhere on the way to the switch is cannot tell, never silent", () => {
        assert.ok(ancestors.length > PLACES.length, "the places yield ancestors to try");
        fc.assert(
            fc.property(
                fc.constantFrom(...ancestors),
                fc.constantFrom<unknown>(SECRET, UNKNOWN),
                ({ place, index, path }, opaque) => {
                    const resources = place.build("on");
                    const target = resources[index];
                    const props = replaced(target.props, path, opaque) as Record<string, unknown>;
                    const stack = resources.map((resource, position) => ({
                        urn: `urn:pulumi:prod::p::${resource.type}::r${position}`,
                        type: resource.type,
                        name: `r${position}`,
                        props: position === index ? props : resource.props,
                    }));
                    const found = evaluatePolicies(stack).filter((v) => v.urn === stack[index].urn);
                    const label = `${place.name} ${path.join(".")}: ${JSON.stringify(found)}`;
                    assert.ok(
                        found.every((v) => v.enforcementLevel === "advisory"),
                        label,
                    );
                    assert.ok(
                        found.some((v) => v.policy === place.policy && /cannot tell/.test(v.message)),
                        label,
                    );
                },
            ),
            { numRuns: 400 },
        );
    });
});
