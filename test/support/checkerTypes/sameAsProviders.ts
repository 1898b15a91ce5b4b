// Compiled by `npm test` (tsc over tsconfig.json, which maps nothing): every member that gcp.d.ts and
// alicloud.d.ts declare for the mutation checker has the very type the provider package gives it, so a mutant
// the checker accepts or refuses is accepted or refused against the whole package too.
import type * as alicloud from "@pulumi/alicloud";
import type * as gcp from "@pulumi/gcp";
import type * as checkedAlicloud from "./alicloud";
import type * as checkedGcp from "./gcp";

/** true when A and B are the same type (each assignable to the other is not enough: `any` would pass). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The "namespace.member" names whose type differs from the provider's, or that the provider lacks. */
type Differing<Checked, Provider> = {
    [Space in keyof Checked & string]: Space extends keyof Provider
        ? {
              [Member in keyof Checked[Space] & string]: Member extends keyof Provider[Space]
                  ? Same<Checked[Space][Member], Provider[Space][Member]> extends true
                      ? never
                      : `${Space}.${Member}`
                  : `${Space}.${Member}`;
          }[keyof Checked[Space] & string]
        : Space;
}[keyof Checked & string];

/** true when nothing differs; otherwise the differing names, which `true` is not, so tsc names them. */
type NoneOf<Names> = [Names] extends [never] ? true : Names;

export const gcpDiffers: NoneOf<Differing<typeof checkedGcp, typeof gcp>> = true;
export const alicloudDiffers: NoneOf<Differing<Omit<typeof checkedAlicloud, "Provider">, typeof alicloud>> = true;
export const alicloudProvider: Same<typeof checkedAlicloud.Provider, typeof alicloud.Provider> = true;
