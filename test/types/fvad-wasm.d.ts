// @echogarden/fvad-wasm ships no types; the tests call it through their own FvadModule interface.
declare module '@echogarden/fvad-wasm';
