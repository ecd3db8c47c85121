(id) => {
  let input = document.getElementById(id);
  if (!input) {
    input = document.createElement('input');
    input.id = id;
    input.style.cssText =
      'position:fixed;top:0;left:0;width:120px;height:24px;z-index:2147483647';
    input.addEventListener('keydown', (e) => {
      window.__latency.push(performance.now() - e.timeStamp);
    });
    document.body.appendChild(input);
  }
  window.__latency = [];
  input.value = '';
}
