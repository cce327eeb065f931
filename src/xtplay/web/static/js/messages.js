/* The page's sentences in its language. tr("No channel {n}", {n: 5}) gives the translation the
   server put in <html data-messages> as JSON (the English text when there is none), with each
   {name} filled in. Loaded first, before every other script of the page. */
var tr = (function () {
  "use strict";
  var table = {};
  try {
    var json = document.documentElement.getAttribute("data-messages");
    table = json ? JSON.parse(json) || {} : {};
  } catch (e) { table = {}; }
  return function (msgid, values) {
    var text = Object.prototype.hasOwnProperty.call(table, msgid) ? table[msgid] : msgid;
    if (values) text = text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
    return text;
  };
})();
