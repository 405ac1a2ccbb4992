// Read by vite-plugin-svelte (vite.config.ts points at it) and by svelte-check.
// The widget's elements are custom elements with their styles in their shadow roots. The
// merchant dashboard's components (src/dashboard/) name no tag, so they mount as ordinary
// components and their styles go into the page's <head>.
export default {
  compilerOptions: { customElement: true },
};
