// Read by vite-plugin-svelte (vite.config.ts points at it) and by svelte-check.
// The widget's elements are custom elements with their styles in their shadow roots.
export default {
  compilerOptions: { customElement: true },
};
