// Test stand-in for the Stanford Javascript Crypto Library (sjcl.js), which visdom 0.2.4's
// login page loads from the network and no Debian or PyPI package ships. Only what login.html
// calls: sjcl.hash.sha256.hash(string) (SHA-256 of the string's UTF-8, as 32-bit words, sjcl's
// "bitArray") and sjcl.codec.hex.fromBits(words) (lowercase hex). Written for these tests from
// FIPS 180-4; it is not sjcl.
(function () {
  var K = [], H0 = [];
  function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
  for (var n = 2, found = 0; found < 64; n++) {
    var prime = true;
    for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (!prime) continue;
    if (found < 8) H0.push(frac(Math.sqrt(n)));
    K.push(frac(Math.cbrt(n)));
    found++;
  }
  function rotr(x, r) { return (x >>> r) | (x << (32 - r)); }
  function sha256(text) {
    var bytes = unescape(encodeURIComponent(text)), len = bytes.length;
    var words = [];
    for (var i = 0; i < len; i++) words[i >> 2] |= bytes.charCodeAt(i) << (24 - 8 * (i % 4));
    words[len >> 2] |= 0x80 << (24 - 8 * (len % 4));
    var total = (((len + 8) >> 6) + 1) * 16;
    for (i = words.length; i < total; i++) words[i] = words[i] | 0;
    words[total - 1] = len * 8;
    words[total - 2] = Math.floor(len / 536870912);
    var h = H0.slice(), w = new Array(64);
    for (var block = 0; block < total; block += 16) {
      for (i = 0; i < 64; i++) {
        if (i < 16) { w[i] = words[block + i] | 0; continue; }
        var s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        var s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], dd = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h = [(h[0] + a) | 0, (h[1] + b) | 0, (h[2] + c) | 0, (h[3] + dd) | 0, (h[4] + e) | 0, (h[5] + f) | 0, (h[6] + g) | 0, (h[7] + hh) | 0];
    }
    return h;
  }
  function hex(bits) {
    var out = "";
    for (var i = 0; i < bits.length; i++) out += ("00000000" + (bits[i] >>> 0).toString(16)).slice(-8);
    return out;
  }
  window.sjcl = {hash: {sha256: {hash: sha256}}, codec: {hex: {fromBits: hex}}};
})();
