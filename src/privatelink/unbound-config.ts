/**
 * The unbound configuration of PrivateLinkConsumer's DNS forwarders. Pure, so that tests can
 * render it and run the real unbound over it.
 */

/** What a forwarder's unbound needs to know. */
export interface UnboundConfigOptions {
  /** The blocks allowed to query (the endpoint VPC and every peer); tokens are fine. */
  readonly allowedCidrs: string[];
  /** Where queries go: the VPC's own resolver. */
  readonly forwardTo: string;
}

/**
 * The address of the Amazon-provided resolver that every VPC answers on (besides its CIDR base + 2);
 * a forwarder sends it every query, so private DNS of the VPC's endpoints answers.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html
 */
export const VPC_RESOLVER_ADDRESS = '169.254.169.253';

/** The path of the configuration on the instances (Amazon Linux 2023's unbound package reads it). */
export const UNBOUND_CONF_PATH = '/etc/unbound/unbound.conf';

/**
 * unbound.conf for a caching forwarder: it listens on every address of the instance (its own and
 * the fixed network interface the clients use), answers only the allowed blocks, and forwards
 * everything to the VPC resolver without DNSSEC validation (private zones are not signed).
 */
export function renderUnboundConfig(options: UnboundConfigOptions): string {
  return [
    '# cdk-guarded-patterns PrivateLinkConsumer: a caching DNS forwarder to the VPC resolver.',
    'server:',
    '    interface: 0.0.0.0',
    // Replies leave from the address the query came to, whichever network interface that is.
    '    interface-automatic: yes',
    '    port: 53',
    // Explicit, so that a package's compiled-in defaults do not decide: drop root, no chroot.
    '    username: "unbound"',
    '    chroot: ""',
    '    do-ip4: yes',
    '    do-ip6: no',
    '    do-udp: yes',
    '    do-tcp: yes',
    '    access-control: 0.0.0.0/0 refuse',
    '    access-control: 127.0.0.0/8 allow',
    ...options.allowedCidrs.map((cidr) => `    access-control: ${cidr} allow`),
    '    module-config: "iterator"',
    '    hide-identity: yes',
    '    hide-version: yes',
    '    prefetch: yes',
    '    minimal-responses: yes',
    '    use-syslog: yes',
    '    verbosity: 1',
    'remote-control:',
    '    control-enable: no',
    'forward-zone:',
    '    name: "."',
    `    forward-addr: ${options.forwardTo}`,
    '',
  ].join('\n');
}
