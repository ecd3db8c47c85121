(ms) => {
  window.__busy = { on: true, slices: 0 };
  const slice = () => {
    if (!window.__busy.on) return;
    const end = performance.now() + ms;
    while (performance.now() < end) { /* busy */ }
    window.__busy.slices += 1;
    setTimeout(slice, 0);
  };
  setTimeout(slice, 0);
}
