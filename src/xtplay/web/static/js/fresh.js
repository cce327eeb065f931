/* Pages show the person's own state (resume positions, watched marks, favorites, the active
   profile), which may have changed since the page was made: here, in the player, or on another
   device. Coming Back to a page the browser kept in its page cache reloads it, so it is never
   an older picture than the server's. (Pages are also sent with Cache-Control: no-store.) */
(function () {
  "use strict";
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && !document.getElementById("player")) window.location.reload();
  });
})();
