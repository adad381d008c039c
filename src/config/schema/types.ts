/**
 * The keepalived.conf grammar as data: which keywords each block takes, what
 * values they take (with keepalived 2.2's ranges and defaults), which are
 * legacy aliases, and which the halb runtime implements. The checker
 * (config/validate.ts) and the typed model (config/model.ts) are driven by it.
 */

/** The arguments after a keyword, on its own line (or the header of a block). */
export type ValueSpec =
  /** No arguments: a flag (`nopreempt`). */
  | { readonly kind: 'flag' }
  /** Optional boolean: absent means true; true/false, yes/no, on/off, 1/0. */
  | { readonly kind: 'bool' }
  /** An integer in [min, max]. `optional`: the value may be left out (then `default` applies). */
  | {
      readonly kind: 'int';
      readonly min: number;
      readonly max: number;
      readonly optional?: boolean;
      /** Words that may follow the number, at most one of them (`weight -20 reverse`). */
      readonly suffix?: readonly string[];
    }
  /** A decimal number (seconds with fractions...) in [min, max]. */
  | {
      readonly kind: 'number';
      readonly min: number;
      readonly max: number;
      readonly optional?: boolean;
    }
  /** One word out of a fixed set (matched case-insensitively when `caseInsensitive`). */
  | {
      readonly kind: 'enum';
      readonly values: readonly string[];
      readonly caseInsensitive?: boolean;
      readonly optional?: boolean;
      /** More words may follow the chosen one (`lb_kind TUN type gue port 6080`); the runtime checks them. */
      readonly rest?: boolean;
    }
  /** One word (a name, a path, an interface...). */
  | { readonly kind: 'word'; readonly optional?: boolean }
  /** An IPv4 or IPv6 address (`family` narrows it). */
  | { readonly kind: 'ip'; readonly family?: 4 | 6; readonly optional?: boolean }
  /** Free arguments, checked only for their count (scripts with args, `IP PORT` headers...). */
  | { readonly kind: 'words'; readonly min: number; readonly max?: number };

/**
 * What a keyword's `{ ... }` holds: named keywords (a block), or lines of
 * free-form entries checked by a line validator (`virtual_ipaddress`,
 * `track_interface`, `notification_email`...).
 */
export type BodySpec =
  | { readonly kind: 'block'; readonly block: BlockSpec }
  | { readonly kind: 'lines'; readonly line: LineKind };

/** Line validators, implemented in config/lines.ts. */
export type LineKind =
  | 'vip' // IP[/prefix] [brd IP] [dev IF] [scope S] [label L] [peer IP] [no_track] ...
  | 'vroute' // ip route syntax
  | 'vrule' // ip rule syntax
  | 'static_vip' // 'vip', and track_group NAME
  | 'static_vroute' // 'vroute', and track_group NAME
  | 'static_vrule' // 'vrule', and track_group NAME
  | 'track_interface' // IF [weight N [reverse]]
  | 'track_script' // NAME [weight N [reverse|no_reverse]]
  | 'track_file' // NAME [weight N [reverse|noreverse]]
  | 'track_process' // NAME [weight N [reverse]]
  | 'track_bfd' // NAME [weight N [reverse]]
  | 'unicast_peer' // IP [min_ttl N] [max_ttl N]
  | 'email' // an e-mail address
  | 'names' // any words (sync group members, track_group members...)
  | 'vsg_entry' // IP[-range|/prefix] [PORT] | fwmark N [inet|inet6]
  | 'interface_delay' // IF down [up]
  | 'linkbeat_interface'; // IF [MII|ETHTOOL|IOCTL]

export interface KeywordSpec {
  readonly name: string;
  readonly value: ValueSpec;
  /** Present when the keyword opens a `{ ... }`. */
  readonly body?: BodySpec;
  /** Unit of a number, for messages ("seconds"). */
  readonly unit?: string;
  /** keepalived's default when the keyword is absent, as it would be written in the config. */
  readonly default?: string | number | boolean;
  /** May appear more than once in its block (values are collected). */
  readonly repeatable?: boolean;
  /** A legacy spelling: accepted with a deprecation warning naming the keyword to use. */
  readonly deprecatedFor?: string;
  /** The block holding `deprecatedFor` when it is not this one ('global_defs', 'root'). */
  readonly deprecatedForBlock?: string;
  /** The halb runtime acts on it; otherwise it loads with a "not implemented yet" warning. */
  readonly implemented?: boolean;
  /** keepalived accepts it but ignores it (kept for compatibility). */
  readonly noop?: boolean;
  /** A short note for messages and docs. */
  readonly note?: string;
  /**
   * The keepalived release that added it, when later than 2.2.7 (the
   * language halb follows): a config for the newer keepalived works here.
   */
  readonly since?: '2.2.8' | '2.4';
}

export interface BlockSpec {
  /** The block's name in messages: 'global_defs', 'vrrp_instance', 'TCP_CHECK', 'url'... */
  readonly name: string;
  readonly keywords: readonly KeywordSpec[];
}
