// The type of undici's Pool module, which src/transport/vendor-transport.ts imports by its path (undici's
// package has no exports map, and its index types only the index).
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export default Pool;
}
