// Test stand-in for layout-bin-packer 1.4.0 (not shipped by any package): the part of its API
// visdom's page uses. `new Bin.ShelfFirst(content, cols)` keeps `content` (items with width and
// height); `position(i, cols)` places item i on shelves `cols` wide, left to right, a new shelf
// below the tallest item of the last one when an item does not fit.
(function (global) {
  function ShelfFirst(content, cols) {
    this.content = content;
    this.cols = cols;
  }
  ShelfFirst.prototype.position = function (index, cols) {
    cols = cols || this.cols;
    var x = 0, y = 0, shelf = 0;
    for (var i = 0; i < this.content.length; i++) {
      var w = this.content[i].width, h = this.content[i].height;
      if (x > 0 && x + w > cols) { y += shelf; x = 0; shelf = 0; }
      if (i === index) return { x: x, y: y };
      x += w;
      shelf = Math.max(shelf, h);
    }
    return { x: x, y: y };
  };
  global.Bin = { ShelfFirst: ShelfFirst };
})(this);
