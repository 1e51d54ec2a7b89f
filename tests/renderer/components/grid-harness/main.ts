// Mounts the real VirtualGrid over a synthetic keyset-paged library whose size comes from the URL
// (?count=1000000), for browser tests and benchmarks. The provider records every request on window.
import { mount } from 'svelte';
import Harness from './Harness.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('no #app');
mount(Harness, { target });
