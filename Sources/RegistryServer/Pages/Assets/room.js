// The auction room, live: the listing's event stream (Server-Sent Events) updates the standing
// bid, the bid list and the countdown without reloading. The page works without it.
(function () {
  "use strict";
  var room = document.getElementById("room");
  if (!room || !window.EventSource) { return; }
  var id = room.getAttribute("data-listing");
  var own = (room.getAttribute("data-own") || "").split(" ").filter(Boolean);
  var live = document.getElementById("live");
  var increment = Number(room.getAttribute("data-increment") || 0);
  var reserve = Number(room.getAttribute("data-price") || 0);
  var amount = document.getElementById("amount");
  var typed = false;
  if (amount) { amount.addEventListener("input", function () { typed = true; }); }
  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
    return (h ? h + ":" : "") + (h && m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function yuan(fen) {
    var sign = fen < 0 ? "-" : ""; fen = Math.abs(fen);
    var cents = String(fen % 100); if (cents.length < 2) { cents = "0" + cents; }
    return sign + Math.floor(fen / 100) + "." + cents + " 元";
  }
  function text(id, value) { var node = document.getElementById(id); if (node) { node.textContent = value; } }
  function leader(bids) {
    var best = null;
    bids.forEach(function (bid) { if (!best || bid.amount_fen > best.amount_fen) { best = bid; } });
    return best;
  }
  function showBids(listing) {
    var bids = listing.bids || [];
    var body = document.querySelector("#bids tbody");
    if (body) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      bids.slice().reverse().forEach(function (bid) {
        var row = document.createElement("tr");
        var mine = own.indexOf(bid.intent) >= 0;
        if (mine) { row.className = "own"; }
        [bid.intent + (mine ? "(我的出价)" : ""), yuan(bid.amount_fen), bid.at].forEach(function (value, column) {
          var cell = document.createElement("td");
          if (column === 1) { cell.className = "num"; }
          cell.textContent = value;
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
    }
    var best = leader(bids);
    if (best) { text("standing", yuan(best.amount_fen)); text("leader", best.intent); }
    // The least the next bid may be: the leading bid plus one increment, or the reserve.
    var minimum = best ? best.amount_fen + increment : reserve;
    text("minimum", yuan(minimum));
    if (amount && !typed) { amount.value = yuan(minimum).replace(" 元", ""); }
    if (listing.auction) { text("ends", listing.auction.ends_at); }
  }
  var source = new EventSource("/v1/listings/" + encodeURIComponent(id) + "/events");
  source.addEventListener("open", function () { if (live) { live.textContent = "实时更新:已连接"; } });
  source.addEventListener("error", function () { if (live) { live.textContent = "实时更新:重新连接中…"; } });
  source.addEventListener("standing", function (event) { showBids(JSON.parse(event.data)); });
  source.addEventListener("countdown", function (event) {
    var data = JSON.parse(event.data);
    text("countdown", clock(data.seconds_left));
    var phases = { "free": "自由竞价", "timed": "限时竞价", "not-open": "未开始", "over": "已结束" };
    text("phase", phases[data.phase] || data.phase);
  });
  source.addEventListener("result", function (event) {
    var data = JSON.parse(event.data);
    var words = { "matching": "竞价结束,优先权行使期", "awaiting-payment": "已成交,待付款", "settled": "已成交",
      "failed": "流拍", "terminated": "终结" };
    text("result", (words[data.status] || data.status) + (data.best_bid_fen ? ",最高价 " + yuan(data.best_bid_fen) : ""));
    source.close();
  });
}());
