// What the rules derive from one resource's props (its control planes, pod template, namespace labels, Formance
// map) or from the whole stack (its istiod versions, its cluster versions), read once per evaluation instead of
// once per rule, and readings of a text many resources repeat (a Formance map value). Seven rules read every resource's control planes, and
// three its pod template; at 10,000 resources those repeated readings were a third of the rules' time (issue 20).
// The memory lasts one evaluation (evaluate.ts runs every rule inside withEvaluationCache) and is dropped at its
// end, so a props object changed between two evaluations is read again; outside an evaluation every call reads
// afresh. A remembered answer is handed to every rule that asks: callers only read it (none changes a
// ControlPlane, a PodTemplate or a StringMap it is given).
//
// A Map, not a WeakMap: the evaluation holds every props object anyway, and a WeakMap's entries cost the garbage
// collector more. Callers test the resource's type first and ask the cache only for the types whose reading is
// more than a type test (a lookup costs about what a few type tests do).

let evaluating = false;
/** What cachedPerObject keeps for an answer that is undefined, so that one lookup tells a known answer. */
const NO_ANSWER = Symbol("no answer");
const dropAtEnd: Array<() => void> = [];

/** Runs `evaluate` with the per-props memory on; a call inside another shares the outer one. */
export function withEvaluationCache<T>(evaluate: () => T): T {
    if (evaluating) return evaluate();
    evaluating = true;
    try {
        return evaluate();
    } finally {
        evaluating = false;
        for (const drop of dropAtEnd) drop();
    }
}

/** `read`, remembered per object and string while an evaluation runs: a resource's props and type, or a
 *  stack-wide reading's resource list and the setting it depends on. What is no object is read afresh (there is
 *  nothing to key it by). One map of objects per string, not an entry object per answer: these maps take an entry
 *  for nearly every resource, and each allocation adds to the collections that copy the parsed export (issue 20). */
export function cachedPerObject<R>(read: (key: string, object: unknown) => R): (key: string, object: unknown) => R {
    let cache: Map<string, Map<object, R | typeof NO_ANSWER>> | undefined;
    dropAtEnd.push(() => (cache = undefined));
    return (key, object) => {
        if (!evaluating || typeof object !== "object" || object === null) return read(key, object);
        cache ??= new Map();
        let answers = cache.get(key);
        if (answers === undefined) cache.set(key, (answers = new Map()));
        const known = answers.get(object);
        if (known !== undefined) return known === NO_ANSWER ? (undefined as R) : known;
        const value = read(key, object);
        answers.set(object, value === undefined ? NO_ANSWER : value);
        return value;
    };
}

/** `read`, remembered per text while an evaluation runs: for readings of a value many resources repeat (the
 *  same Formance map value in every tenant's Settings). */
export function cachedPerText<R>(read: (text: string) => R): (text: string) => R {
    let cache: Map<string, R> | undefined;
    dropAtEnd.push(() => (cache = undefined));
    return (text) => {
        if (!evaluating) return read(text);
        cache ??= new Map();
        if (cache.has(text)) return cache.get(text) as R;
        const value = read(text);
        cache.set(text, value);
        return value;
    };
}
