import { strict as assert } from "assert";
import fc from "fast-check";
import {
    encodeKeyValueMap,
    FormanceValueError,
    isMapSettingKey,
    parseKeyValueList,
    splitSettingKey,
    type ParseResult,
} from "../../../policy/facts/formance";

const NEG = '{"ingress":true,"exposed_ports":{"8080":{}}}';

function parsedMap(value: string): Record<string, string> | undefined {
    const parsed = parseKeyValueList(value);
    return parsed.ok ? Object.fromEntries(parsed.entries) : undefined;
}

const WHAT_TO_DO =
    "set it on the Kubernetes object through Pulumi instead of through a Formance Setting, or use a value without it";

/** The error `run` throws, which must be a FormanceValueError: its name and message. */
function formanceError(run: () => unknown): { name: string; message: string } {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof FormanceValueError, `expected a FormanceValueError, got ${String(error)}`);
        return { name: error.name, message: error.message };
    }
    assert.fail("expected a FormanceValueError, nothing was thrown");
}

describe("formance", () => {
    describe("parseKeyValueList behaves as the operator's parser (FACTS.md)", () => {
        const accepted: Array<[string, Array<[string, string]>]> = [
            ["", []],
            ["a=b", [["a", "b"]]],
            [
                " a = b , c = d ",
                [
                    ["a", "b"],
                    ["c", "d"],
                ],
            ],
            [
                'a="x,y",b=z',
                [
                    ["a", "x,y"],
                    ["b", "z"],
                ],
            ],
            ['a=x"y', [["a", 'x"y']]], // a quote inside an unquoted value is kept
            ["a=b=c", [["a", "bc"]]], // every "=" is dropped
            ["a=,b", [["a", ",b"]]], // the byte right after "=" is taken as is
            ["a=b,", [["a", "b"]]],
            ["a=1,a=2", [["a", "2"]]], // a later duplicate replaces the earlier value
            ['a=""', [["a", ""]]],
            ['cloud.google.com/neg={"ingress":true}', [["cloud.google.com/neg", '{"ingress":true}']]],
            ["a=\u00e9", [["a", "\u00c3\u00a9"]]], // bytes become characters one by one: "é" comes back as "Ã©"
        ];
        for (const [input, entries] of accepted) {
            it(`reads ${JSON.stringify(input)}`, () => {
                assert.deepEqual(parseKeyValueList(input), { ok: true, entries });
            });
        }

        const rejected: Array<[string, RegExp]> = [
            // the seed's NEG value (FACTS.md "Traps"): its first "," ends the pair and the next key starts with a quote
            [`cloud.google.com/neg=${NEG}`, /quotes are not allowed in keys/],
            [`cloud.google.com/neg="${NEG}"`, /expected ","/],
            ['a"b=c', /quotes are not allowed in keys/],
            ["a=", /last byte/],
            ["a=b,c", /ends while reading a key/],
            ['a="b', /inside a quoted value/],
            ['a="b"c', /expected ","/],
            [" ", /ends while reading a key/],
        ];
        for (const [input, error] of rejected) {
            it(`rejects ${JSON.stringify(input)}`, () => {
                const parsed = parseKeyValueList(input);
                assert.equal(parsed.ok, false);
                assert.match((parsed as { error: string }).error, error);
            });
        }

        it("never throws on any string", () => {
            fc.assert(
                fc.property(fc.string({ unit: "binary" }), (value) => {
                    parseKeyValueList(value);
                }),
            );
        });
    });

    describe("encodeKeyValueMap", () => {
        const writable: Array<Record<string, string>> = [
            {},
            { "istio.io/rev": "1-28-1" },
            { "cloud.google.com/neg": '{"ingress":true}' },
            { a: "x,y", b: "" },
            { a: 'say "hi"' },
            { a: ",", b: "=" },
        ];
        for (const map of writable) {
            it(`writes ${JSON.stringify(map)} so the parser gives it back`, () => {
                assert.deepEqual(parsedMap(encodeKeyValueMap("namespace.labels", map)), map);
            });
        }

        it("refuses the seed's NEG annotation with one line naming the setting, the key, why and what to do", () => {
            assert.throws(
                () => encodeKeyValueMap("services.ledger.annotations", { "cloud.google.com/neg": NEG }),
                (error: Error) => {
                    assert.ok(error instanceof FormanceValueError);
                    assert.ok(!error.message.includes("\n"));
                    assert.match(error.message, /services\.ledger\.annotations/);
                    assert.match(error.message, /cloud\.google\.com\/neg/);
                    assert.match(error.message, /both "," and `"`/);
                    assert.match(error.message, /through Pulumi instead/);
                    return true;
                },
            );
        });

        const refused: Array<[Record<string, string>, RegExp]> = [
            [{ a: "b=c" }, /drops/],
            [{ a: " padded" }, /white space/],
            [{ a: '"quoted' }, /opening quote/],
            [{ a: "caf\u00e9" }, /non-ASCII/],
            [{ 'k"ey': "v" }, /rejects in keys/],
            [{ "k=ey": "v" }, /start of the value/],
            [{ "k,ey": "v" }, /end of the pair/],
            [{ "": "v" }, /is empty/],
        ];
        for (const [map, why] of refused) {
            it(`refuses ${JSON.stringify(map)}`, () => {
                assert.throws(() => encodeKeyValueMap("namespace.annotations", map), why);
            });
        }

        // Strings biased to the bytes the parser treats specially.
        const tricky = fc.string({
            unit: fc.constantFrom("a", "b", "/", ".", " ", "\t", ",", "=", '"', "{", "}", ":", "\u00e9", "\u00a0"),
            maxLength: 8,
        });
        const maps = fc.dictionary(tricky, tricky, { maxKeys: 4, noNullPrototype: true });

        it("property: the parser gives back exactly what encode accepts", () => {
            fc.assert(
                fc.property(maps, (map) => {
                    let encoded: string;
                    try {
                        encoded = encodeKeyValueMap("namespace.labels", map);
                    } catch (error) {
                        assert.ok(error instanceof FormanceValueError);
                        return;
                    }
                    assert.deepEqual(parsedMap(encoded), map);
                }),
                { numRuns: 2000 },
            );
        });

        it("property: what encode refuses really fails to round trip, written plain or quoted", () => {
            fc.assert(
                fc.property(tricky, tricky, (key, value) => {
                    let refused = false;
                    try {
                        encodeKeyValueMap("namespace.labels", { [key]: value });
                    } catch {
                        refused = true;
                    }
                    // An empty key survives the parser but not Kubernetes: refused for that reason, not this one.
                    fc.pre(refused && key !== "");
                    for (const written of [`${key}=${value}`, `${key}="${value}"`]) {
                        assert.notDeepEqual(parsedMap(written), { [key]: value }, written);
                    }
                }),
                { numRuns: 2000 },
            );
        });
    });

    describe("isMapSettingKey", () => {
        const cases: Array<[string, boolean]> = [
            ["namespace.labels", true],
            ["namespace.annotations", true],
            ["services.ledger.annotations", true],
            ["services.*.annotations", true],
            ["gateway.ingress.annotations", true],
            ["gateway.ingress.labels", true],
            ["deployments.ledger.spec.template.annotations", true],
            ['deployments."ledger.v2".spec.template.annotations', true],
            ["jobs.Ledger.spec.template.annotations", true],
            ["namespace.label", false],
            ["services..annotations", false],
            ["services.ledger.labels", false],
            ["postgresql.ledger.uri", false],
            ["deployments.ledger.spec.template.labels", false],
            ["", false],
        ];
        for (const [key, expected] of cases) {
            it(`${JSON.stringify(key)} is ${expected}`, () => {
                assert.equal(isMapSettingKey(key), expected);
            });
        }
        it("splits keys on dots outside quotes", () => {
            assert.deepEqual(splitSettingKey('deployments."a.b".spec'), ["deployments", "a.b", "spec"]);
        });
    });
});

// policy/facts/versions.ts, policy/facts/formance.ts and policy/formance-values.ts, for mutation testing: the edges
// of each version form (multi-digit components, junk before or after, the 256-character limit), the whole
// refusal messages of revisionFromVersion and encodeKeyValueMap, Go's white space (vertical tab included) trimmed
// on both ends, non-string inputs from JavaScript callers, and the pairs and changes the Formance walk reports.
// Inputs are built inside each `it` (docs/MUTATION.md).

describe("mutation: policy facts", () => {
    describe("parseKeyValueList trims Go's white space, vertical tab included, at both ends", () => {
        const table: Array<[string, ParseResult]> = [
            ["a=b\v", { ok: true, entries: [["a", "b"]] }],
            ["\va\v=\vb\v", { ok: true, entries: [["a", "b"]] }],
            ["\vk=v", { ok: true, entries: [["k", "v"]] }],
        ];
        for (const [value, expected] of table) {
            it(`reads ${JSON.stringify(value)} as ${JSON.stringify(expected)}`, () => {
                assert.deepEqual(parseKeyValueList(value), expected);
            });
        }
    });

    describe("encodeKeyValueMap refusals: a FormanceValueError, named so, with the whole message", () => {
        const table: Array<[string, Record<string, unknown>, string]> = [
            [
                "a key with non-ASCII characters",
                { é: "v" },
                `Formance setting "s": map key "é" holds non-ASCII characters, which the parser reads byte by byte and mangles; ${WHAT_TO_DO}`,
            ],
            [
                "a key ending with a vertical tab",
                { "a\v": "v" },
                `Formance setting "s": map key "a\v" starts or ends with white space, which the parser trims; ${WHAT_TO_DO}`,
            ],
            [
                "a key starting with a vertical tab",
                { "\va": "v" },
                `Formance setting "s": map key "\va" starts or ends with white space, which the parser trims; ${WHAT_TO_DO}`,
            ],
            [
                "a value ending with a vertical tab",
                { k: "b\v" },
                `Formance setting "s": value of "k" ("b\\u000b") starts or ends with white space, which the parser trims, ` +
                    `so the operator would reject or change it (formancehq/operator parseKeyValueList); ${WHAT_TO_DO}`,
            ],
            [
                "a value starting with a vertical tab",
                { k: "\vb" },
                `Formance setting "s": value of "k" ("\\u000bb") starts or ends with white space, which the parser trims, ` +
                    `so the operator would reject or change it (formancehq/operator parseKeyValueList); ${WHAT_TO_DO}`,
            ],
            [
                "a number value from a JavaScript caller",
                { k: 3 },
                'Formance setting "s": value of "k" is a number, not a string; write it as a string',
            ],
            [
                "a boolean value from a JavaScript caller",
                { k: true },
                'Formance setting "s": value of "k" is a boolean, not a string; write it as a string',
            ],
        ];
        for (const [what, entries, message] of table) {
            it(`refuses ${what}`, () => {
                assert.deepEqual(
                    formanceError(() => encodeKeyValueMap("s", entries as Record<string, string>)),
                    { name: "FormanceValueError", message },
                );
            });
        }

        it("writes keys and values whose inner white space is not at an end", () => {
            assert.equal(encodeKeyValueMap("s", { "a\vb": "c\vd" }), "a\vb=c\vd");
        });
    });

    describe("isMapSettingKey", () => {
        const table: Array<[string, unknown, boolean]> = [
            ["a map key", "namespace.labels", true],
            ["a map key with a segment too many", "namespace.labels.extra", false],
            ["a wildcard map key with a segment too many", "services.api.annotations.x", false],
            ["a number from a JavaScript caller", 42, false],
            ["null from a JavaScript caller", null, false],
            ["undefined from a JavaScript caller", undefined, false],
        ];
        for (const [what, key, expected] of table) {
            it(`${what} (${JSON.stringify(key)}): ${expected}`, () => {
                assert.equal(isMapSettingKey(key as string), expected);
            });
        }
    });
});
