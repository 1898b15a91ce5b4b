// components/config/secrets.ts beyond test/secrets.spec.ts, written for the mutation score of the secrets group
// (docs/MUTATION.md): which stack file values are encrypted leaves, which keys are ours, when the stack file holds
// the config a run was given (lists, objects, numbers written as strings), which paths can be secret, and what
// is left of a message once its secret texts are scrubbed. Every input is built inside its `it`, so that Stryker
// traces each mutant to the tests that cover it.

import * as assert from "node:assert/strict";
import {
    holdsSecret,
    isSecureValue,
    locateSecretPaths,
    REDACTED,
    redactSecrets,
    scrubSecrets,
    secretTexts,
    stackFileSecretKeys,
    stackFileSecretPaths,
    uncoverableSecret,
    type ConfigPath,
} from "../components/config/secrets";

const NS = "nativemesh";
/** A stack file's encrypted value. */
const secure = (ciphertext = "v1:abc") => ({ secure: ciphertext });
/** The paths and whole keys `locateSecretPaths` finds for `mesh`, secret, with this file value and given value. */
const locateMesh = (fileMesh: unknown, givenMesh: unknown) =>
    locateSecretPaths(["mesh"], givenMesh === undefined ? {} : { mesh: givenMesh }, { [`${NS}:mesh`]: fileMesh }, NS);
/** The answer when the file's leaves of `mesh` are taken. */
const leavesOf = (...paths: ConfigPath[]) => ({ paths, wholeKeys: [] });
/** The answer when all of `mesh` is secret. */
const WHOLE = { paths: [["mesh"]], wholeKeys: ["mesh"] };
/** A config whose istiod values hold `values`, and the path of them. */
const istiod = (values: Record<string, unknown>) => ({ mesh: { method: "helm", istiodValues: values } });
const ISTIOD: ConfigPath = ["mesh", "istiodValues"];

describe("mutation, secrets: which stack file values are encrypted", () => {
    it("a {secure: string} leaf and nothing else is one", () => {
        const rows: Array<[string, unknown, boolean]> = [
            ["a secure leaf", { secure: "v1:abc" }, true],
            ["an empty ciphertext is still a string", { secure: "" }, true],
            ["secure among other keys", { secure: "v1:abc", note: "rotated" }, false],
            ["another key first", { note: "rotated", secure: "v1:abc" }, false],
            ["one key, not secure", { token: "v1:abc" }, false],
            ["a number under secure", { secure: 42 }, false],
            ["a map under secure", { secure: { secure: "v1:abc" } }, false],
            ["null under secure", { secure: null }, false],
            ["no key at all", {}, false],
            ["a string", "v1:abc", false],
            ["the word secure", "secure", false],
            ["null", null, false],
            ["undefined", undefined, false],
            ["a number", 7, false],
            ["a list of one secure leaf", [{ secure: "v1:abc" }], false],
        ];
        for (const [name, value, expected] of rows) assert.equal(isSecureValue(value), expected, name);
    });

    it("finds the leaves at any depth, lists by index, and nowhere else", () => {
        const file = {
            "gcp:project": "p",
            "nativemesh:cloud": "existing",
            "nativemesh:replicas": 3,
            "nativemesh:dryRun": null,
            "nativemesh:existing": { kubeconfig: secure(), context: "ctx" },
            "nativemesh:mesh": {
                version: "1.28.1",
                enabled: true,
                revisions: [
                    { version: "1.28.1" },
                    { version: "1.29.0", istiodValues: { pilot: { env: [{ name: "T", value: secure() }] } } },
                ],
                baseValues: { global: { imagePullSecrets: [secure(), "public", secure()] } },
                // Not leaves: a secure key beside another, a secure that is no string.
                asmcli: { options: { secure: "v1:abc", note: "x" }, extra: { secure: 1 } },
            },
            "nativemesh:formance": secure("v1:whole"),
        };
        assert.deepEqual(stackFileSecretPaths(file, NS), [
            ["existing", "kubeconfig"],
            ["mesh", "revisions", 1, "istiodValues", "pilot", "env", 0, "value"],
            ["mesh", "baseValues", "global", "imagePullSecrets", 0],
            ["mesh", "baseValues", "global", "imagePullSecrets", 2],
            ["formance"],
        ]);
        assert.deepEqual(stackFileSecretKeys(file), ["nativemesh:existing", "nativemesh:mesh", "nativemesh:formance"]);
    });

    it("reads only the keys of its namespace", () => {
        const file = {
            "other:mesh": { istiodValues: { token: secure() } },
            "nativemeshx:mesh": { token: secure() },
            "xnativemesh:mesh": { token: secure() },
            // A key with no namespace at all, one letter longer than the namespace, and one that is the namespace.
            nativemeshs: { token: secure() },
            nativemesh: { token: secure() },
            ":mesh": { token: secure() },
            "nativemesh:formance": { operator: { values: { token: secure() } } },
        };
        assert.deepEqual(stackFileSecretPaths(file, NS), [["formance", "operator", "values", "token"]]);
        assert.deepEqual(stackFileSecretPaths(file, "other"), [["mesh", "istiodValues", "token"]]);
        // Every key holding a leaf is one the engine would call secret, whatever its namespace.
        assert.equal(stackFileSecretKeys(file).length, 7);
        assert.deepEqual(stackFileSecretPaths({ "nativemesh:mesh": "1.28.1" }, NS), []);
    });

    it("the key holding a leaf keeps its namespace, whatever the depth of the leaf", () => {
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": secure(), "nativemesh:cloud": "gke" }), [
            "nativemesh:mesh",
        ]);
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": { a: [[{ b: secure() }]] } }), ["nativemesh:mesh"]);
        assert.deepEqual(stackFileSecretKeys({ "nativemesh:mesh": { a: [[{ b: { secure: 1 } }]] } }), []);
    });
});

describe("mutation, secrets: whether the stack file holds the config given", () => {
    it("a whole key set with --secret: its leaf is the key, unless the run was not given that key", () => {
        assert.deepEqual(locateMesh(secure(), { version: "1.28.1" }), leavesOf(["mesh"]));
        assert.deepEqual(locateMesh(secure(), "1.28.1"), leavesOf(["mesh"]));
        // The engine calls mesh secret, yet the config it gave has no mesh: the file is another one.
        assert.deepEqual(locateMesh(secure(), undefined), WHOLE);
    });

    it("lists: the same length and order as the file, beside the encrypted items", () => {
        const file = { baseValues: { pullSecrets: [secure(), "public"] } };
        const rows: Array<[string, unknown, object]> = [
            ["the same list", ["s3cr3t", "public"], leavesOf(["mesh", "baseValues", "pullSecrets", 0])],
            ["a longer list", ["s3cr3t", "public", "more"], WHOLE],
            ["a shorter list", ["s3cr3t"], WHOLE],
            ["another order", ["public", "s3cr3t"], WHOLE],
            ["another plain item", ["s3cr3t", "private"], WHOLE],
            ["a string where the file has a list", "sp", WHOLE],
            ["a map where the file has a list", { 0: "s3cr3t", 1: "public" }, WHOLE],
            ["an empty list", [], WHOLE],
        ];
        for (const [name, pullSecrets, expected] of rows) {
            assert.deepEqual(locateMesh(file, { baseValues: { pullSecrets } }), expected, name);
        }
    });

    it("a list whose first item differs and whose encrypted item comes second", () => {
        const file = { baseValues: { pullSecrets: ["public", secure()] } };
        assert.deepEqual(
            locateMesh(file, { baseValues: { pullSecrets: ["public", "s3cr3t"] } }),
            leavesOf(["mesh", "baseValues", "pullSecrets", 1]),
        );
        assert.deepEqual(locateMesh(file, { baseValues: { pullSecrets: ["private", "s3cr3t"] } }), WHOLE);
        // A longer list given whose extra items the file does not have.
        assert.deepEqual(locateMesh([secure()], ["s3cr3t", "extra"]), WHOLE);
        assert.deepEqual(locateMesh([secure()], ["s3cr3t"]), leavesOf(["mesh", 0]));
        // A string as long as the file's list is no list.
        assert.deepEqual(locateMesh({ pullSecrets: [secure()] }, { pullSecrets: "s" }), WHOLE);
    });

    it("maps: the same keys, no more, no fewer, equal values beside the encrypted ones", () => {
        const file = { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: secure() } };
        const token = ["mesh", "istiodValues", "token"];
        const rows: Array<[string, unknown, object]> = [
            [
                "the same map",
                { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: "t" } },
                leavesOf(token),
            ],
            [
                "in another key order",
                { istiodValues: { token: "t" }, strict: true, replicas: 2, version: "1.28.1" },
                leavesOf(token),
            ],
            ["a key more", { version: "1.28.1", replicas: 2, strict: true, istiodValues: { token: "t" }, x: 1 }, WHOLE],
            ["a key fewer", { version: "1.28.1", replicas: 2, istiodValues: { token: "t" } }, WHOLE],
            ["a key renamed", { version: "1.28.1", replicas: 2, strictt: true, istiodValues: { token: "t" } }, WHOLE],
            ["another version", { version: "1.29.0", replicas: 2, strict: true, istiodValues: { token: "t" } }, WHOLE],
            // Below the top, the engine gives numbers and booleans as they are: a string is another value.
            [
                "a nested number as a string",
                { version: "1.28.1", replicas: "2", strict: true, istiodValues: { token: "t" } },
                WHOLE,
            ],
            [
                "a nested boolean as a string",
                { version: "1.28.1", replicas: 2, strict: "true", istiodValues: { token: "t" } },
                WHOLE,
            ],
            ["a string where the file has a map", "version: 1.28.1", WHOLE],
            ["a list where the file has a map", [file], WHOLE],
            ["null where the file has a map", null, WHOLE],
            [
                "a map where the leaf's map was",
                { version: "1.28.1", replicas: 2, strict: true, istiodValues: "t" },
                WHOLE,
            ],
        ];
        for (const [name, given, expected] of rows) assert.deepEqual(locateMesh(file, given), expected, name);
    });

    it("numbers and booleans inside lists are compared as they are too", () => {
        const file = { ports: [8080, true, null, secure()] };
        const leaf = ["mesh", "ports", 3];
        assert.deepEqual(locateMesh(file, { ports: [8080, true, null, "t"] }), leavesOf(leaf));
        assert.deepEqual(locateMesh(file, { ports: ["8080", true, null, "t"] }), WHOLE);
        assert.deepEqual(locateMesh(file, { ports: [8080, "true", null, "t"] }), WHOLE);
        assert.deepEqual(locateMesh(file, { ports: [8080, true, "null", "t"] }), WHOLE);
    });

    it("a secret key whose file value holds no encrypted leaf is secret as a whole, even when it matches", () => {
        // E.g. set --secret in another file the run was given, while this one holds it in plaintext.
        assert.deepEqual(locateMesh({ version: "1.28.1" }, { version: "1.28.1" }), WHOLE);
        assert.deepEqual(locateMesh(["a", "b"], ["a", "b"]), WHOLE);
        assert.deepEqual(locateMesh("1.28.1", "1.28.1"), WHOLE);
        assert.deepEqual(locateSecretPaths(["mesh"], { mesh: { version: "1.28.1" } }, {}, NS), WHOLE);
    });

    it("each secret key on its own: leaves for the ones that match, the whole key for the others", () => {
        const file = {
            "nativemesh:existing": { kubeconfig: secure(), context: "ctx" },
            "nativemesh:mesh": { version: "1.28.1", istiodValues: { token: secure() } },
            "nativemesh:formance": { operator: { values: { token: secure() } } },
        };
        const given = {
            existing: { kubeconfig: "kube", context: "ctx" },
            mesh: { version: "1.29.0", istiodValues: { token: "t" } },
            formance: { operator: { values: { token: "f" } } },
        };
        assert.deepEqual(locateSecretPaths(["existing", "mesh", "formance"], given, file, NS), {
            paths: [["existing", "kubeconfig"], ["mesh"], ["formance", "operator", "values", "token"]],
            wholeKeys: ["mesh"],
        });
    });
});

describe("mutation, secrets: which values can be kept secret", () => {
    it("each revision's istiod values can, its other fields cannot", () => {
        const rows: Array<[ConfigPath, boolean]> = [
            [["mesh", "revisions", 0, "istiodValues"], true],
            [["mesh", "revisions", 1, "istiodValues", "pilot", "env", "TOKEN"], true],
            [["mesh", "revisions", "1", "istiodValues"], true],
            [["mesh", "revisions", 0, "version"], false],
            [["mesh", "revisions", 0, "name"], false],
            [["mesh", "revisions", 0, "baseValues"], false],
            [["mesh", "revisions", 0, "istiodValue"], false],
            [["mesh", "istiodValues", "pilot"], true],
            [["mesh", "version"], false],
            [["existing", "kubeconfig"], true],
            [["existing", "cluster"], false],
            [["formance", "serviceAnnotations", "gateway", "example.com/token"], true],
            [["namespaces", 2, "podTemplateAnnotations", "a"], true],
            [["namespaces", 2, "labels", "a"], false],
        ];
        for (const [path, capable] of rows) {
            assert.equal(uncoverableSecret([path]) === undefined, capable, path.join("."));
        }
        // A secret above a value that can be secret (all the revisions) is refused: it holds versions and names too.
        assert.deepEqual(uncoverableSecret([["mesh", "revisions"]]), ["mesh", "revisions"]);
        assert.deepEqual(
            uncoverableSecret([
                ["mesh", "istiodValues"],
                ["mesh", "revisions", 0, "version"],
            ]),
            ["mesh", "revisions", 0, "version"],
        );
    });
});

describe("mutation, secrets: redacting", () => {
    it("each of several secrets is redacted, in maps and lists, and only they", () => {
        const config = {
            existing: { kubeconfig: "kube-yaml", context: "ctx" },
            mesh: {
                version: "1.28.1",
                revisions: [{ version: "1.29.0", istiodValues: { token: "t1" } }],
                baseValues: { pullSecrets: ["a", "b", "c"] },
            },
        };
        const paths: ConfigPath[] = [
            ["existing", "kubeconfig"],
            ["mesh", "revisions", 0, "istiodValues", "token"],
            ["mesh", "baseValues", "pullSecrets", 1],
        ];
        assert.deepEqual(redactSecrets(config, paths), {
            existing: { kubeconfig: REDACTED, context: "ctx" },
            mesh: {
                version: "1.28.1",
                revisions: [{ version: "1.29.0", istiodValues: { token: REDACTED } }],
                baseValues: { pullSecrets: ["a", REDACTED, "c"] },
            },
        });
        // The given config is left as it was.
        assert.equal(config.existing.kubeconfig, "kube-yaml");
    });

    it("values that hold no secret are returned as they are, not copied (a spec's objects stay what they are)", () => {
        class Endpoint {
            constructor(readonly url: string) {}
        }
        const endpoint = new Endpoint("https://canary.example.com");
        const labels = { team: "mesh" };
        const spec = { canary: { endpoint, labels }, mesh: { istiodValues: { token: "t" } }, list: [labels] };
        const out = redactSecrets(spec, [["mesh", "istiodValues", "token"]]);
        assert.equal(out.canary, spec.canary);
        assert.equal(out.list, spec.list);
        assert.ok(out.canary.endpoint instanceof Endpoint);
        assert.deepEqual(out.mesh, { istiodValues: { token: REDACTED } });
        assert.equal(redactSecrets(spec, []), spec);
        assert.equal(redactSecrets(spec, undefined), spec);
    });

    it("a secret deeper than a value is found in it, never taken for the value above it", () => {
        // A Helm values key may be any string, "undefined" too: it names a key, not a missing one.
        const config = istiod({ pilot: { env: { undefined: "t" } }, global: { hub: "gcr.io" } });
        const paths = [[...ISTIOD, "pilot", "env", "undefined"]];
        assert.deepEqual(
            redactSecrets(config, paths),
            istiod({ pilot: { env: { undefined: REDACTED } }, global: { hub: "gcr.io" } }),
        );
        const other = istiod({ pilot: { env: { TOKEN: "t" } } });
        assert.deepEqual(redactSecrets(other, paths), other);
        assert.ok(!holdsSecret(paths, [...ISTIOD, "pilot", "env", "TOKEN"]));
    });
});

describe("mutation, secrets: the secret texts of a config", () => {
    it("strings, numbers and booleans under the secret paths, lists included, once each", () => {
        const config = {
            mesh: {
                version: "1.28.1",
                istiodValues: {
                    port: 31337,
                    strict: false,
                    token: "hunter2-long",
                    again: "hunter2-long",
                    hosts: ["a.example.com", ["b.example.com"]],
                    nothing: null,
                },
                revisions: [{ version: "1.29.0", istiodValues: { token: "rev-token" } }],
            },
            existing: { kubeconfig: "kube-yaml", context: "ctx" },
        };
        assert.deepEqual(secretTexts(config, [ISTIOD, ["mesh", "revisions", 0, "istiodValues"]]), [
            "31337",
            "false",
            "hunter2-long",
            "a.example.com",
            "b.example.com",
            "rev-token",
        ]);
        // In the config's order, whichever order the paths come in.
        assert.deepEqual(
            secretTexts(config, [
                ["existing", "kubeconfig"],
                ["mesh", "istiodValues", "hosts", 1],
            ]),
            ["b.example.com", "kube-yaml"],
        );
        assert.deepEqual(secretTexts(config, [["mesh", "istiodValues", "hosts"]]), ["a.example.com", "b.example.com"]);
        assert.deepEqual(secretTexts(config, []), []);
        assert.deepEqual(secretTexts(config, undefined), []);
        assert.deepEqual(secretTexts("plain", [["mesh"]]), []);
        assert.deepEqual(secretTexts("whole", [[]]), ["whole"]);
    });

    it("a value above a secret path is not secret text", () => {
        // The paths say the token is inside pilot, the config has a plain string there.
        const config = istiod({ pilot: "disabled", list: ["x"] });
        assert.deepEqual(secretTexts(config, [[...ISTIOD, "pilot", "env", "TOKEN"]]), []);
        assert.deepEqual(secretTexts(config, [[...ISTIOD, "list", 0, "name"]]), []);
    });

    it("never the empty string, nor the REDACTED marker itself", () => {
        const config = istiod({ empty: "", marker: REDACTED, token: "tok", list: ["", REDACTED, "item"] });
        assert.deepEqual(secretTexts(config, [ISTIOD]), ["tok", "item"]);
        assert.deepEqual(secretTexts(istiod({ a: "", b: REDACTED }), [ISTIOD]), []);
        // So a message is not scrubbed between every two letters, nor the marker inside itself.
        assert.equal(
            scrubSecrets("istiod values: tok, [secret]", config, [ISTIOD]),
            "istiod values: [secret], [secret]",
        );
        assert.equal(scrubSecrets("key: a, b (c)", istiod({ a: "" }), [ISTIOD]), "key: a, b (c)");
    });
});

describe("mutation, secrets: scrubbing messages", () => {
    it("a secret that contains another is scrubbed whole, in whichever order they come", () => {
        const inner = "abcdefgh";
        const outer = "xx-abcdefgh-yy";
        const paths = [
            [...ISTIOD, "a"],
            [...ISTIOD, "b"],
        ];
        for (const [a, b] of [
            [inner, outer],
            [outer, inner],
        ]) {
            const config = istiod({ a, b });
            assert.equal(scrubSecrets(`got ${outer} and ${inner}`, config, paths), "got [secret] and [secret]");
        }
        // The same with short secrets: a word of its own inside a longer secret.
        for (const [a, b] of [
            ["ab", "ab cd"],
            ["ab cd", "ab"],
        ]) {
            assert.equal(scrubSecrets("x ab cd y ab", istiod({ a, b }), paths), "x [secret] y [secret]");
        }
    });

    it("a secret that is a part of the marker is scrubbed once", () => {
        const config = istiod({ token: "secret" });
        assert.equal(scrubSecrets("token secret, secrets", config, [ISTIOD]), "token [secret], [secret]s");
    });

    it("six characters and more anywhere; fewer only as a word of their own", () => {
        const rows: Array<[string, string, string]> = [
            ["abcdef", "xabcdefy abcdef", "x[secret]y [secret]"],
            ["abcdefg", "xabcdefgy", "x[secret]y"],
            ["abcde", "xabcdey abcde", "xabcdey [secret]"],
            ["abcde", "abcde_x x-abcde abcde5 abcde.", "abcde_x x-abcde abcde5 [secret]."],
            ["abcde", ".abcde (abcde) 'abcde'", ".abcde ([secret]) '[secret]'"],
            ["a.b", "a.b axb x.a.b", "[secret] axb x.a.b"],
        ];
        for (const [token, message, expected] of rows) {
            assert.equal(scrubSecrets(message, istiod({ token }), [ISTIOD]), expected, token);
        }
    });

    it("a secret needing JSON escapes is scrubbed raw and escaped, leaving the JSON quotes", () => {
        const token = 'pa"ss\\word\nnext';
        const config = istiod({ token });
        const json = JSON.stringify({ token });
        assert.equal(json, '{"token":"pa\\"ss\\\\word\\nnext"}');
        assert.equal(scrubSecrets(`values ${json}`, config, [ISTIOD]), 'values {"token":"[secret]"}');
        assert.equal(scrubSecrets(`raw: ${token}!`, config, [ISTIOD]), "raw: [secret]!");
        // One without escapes, quoted as JSON: the quotes stay.
        const plain = istiod({ token: "hunter2-long" });
        assert.equal(scrubSecrets('{"token":"hunter2-long","n":1}', plain, [ISTIOD]), '{"token":"[secret]","n":1}');
        // A short one with a quote: its escaped form, a word of its own, too.
        const short = istiod({ token: 'a"b' });
        assert.equal(scrubSecrets('got "a\\"b" and a"b', short, [ISTIOD]), 'got "[secret]" and [secret]');
    });

    it("numbers and booleans secret in a revision's istiod values are scrubbed where they stand alone", () => {
        const config = { mesh: { revisions: [{ version: "1.29.0", istiodValues: { port: 31337, debug: true } }] } };
        const paths = [["mesh", "revisions", 0, "istiodValues"]];
        assert.equal(
            scrubSecrets("port 31337, debug true, version 1.29.0", config, paths),
            "port [secret], debug [secret], version 1.29.0",
        );
    });
});
