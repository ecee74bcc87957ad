// Test stand-in for d3-selection-multi v1 (not shipped by any package): `selection.attrs(map)`
// and `selection.styles(map)` set every key of `map` (or of what a function returns per node).
(function () {
  if (typeof d3 === 'undefined') return;
  function multi(method) {
    return function (map) {
      if (typeof map === 'function') {
        return this.each(function () {
          var values = map.apply(this, arguments), node = d3.select(this);
          for (var k in values) node[method](k, values[k]);
        });
      }
      for (var k in map) this[method](k, map[k]);
      return this;
    };
  }
  var protos = [d3.selection && d3.selection.prototype, d3.transition && d3.transition.prototype,
                d3.selection && d3.selection.enter && d3.selection.enter.prototype];
  protos.forEach(function (p) {
    if (p) { p.attrs = multi('attr'); p.styles = multi('style'); }
  });
})();
