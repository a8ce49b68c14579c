// node-abi ships no types; this is the one function the scripts and tests call.
declare module 'node-abi' {
  /** NODE_MODULE_VERSION of a Node or Electron version, from node-abi's registry; throws for an unknown version. */
  export function getAbi(target: string, runtime?: 'node' | 'electron' | 'node-webkit'): string;
}
