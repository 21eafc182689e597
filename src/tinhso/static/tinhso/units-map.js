// The administrative units page: the province's communes.
(function () {
  "use strict";
  TinhSoMaps.ready(function () {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var map = TinhSoMaps.baseMap(el);
    TinhSoMaps.communes(map, el.dataset.geojson, false).then(function (layer) {
      map.fitBounds(layer.getBounds());
    });
  });
})();
