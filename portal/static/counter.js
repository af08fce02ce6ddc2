// Shows how many characters are left in a text area with data-counter; without
// JavaScript the limit is stated in the field's hint and enforced by the server.
document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
  var limit = parseInt(area.getAttribute("data-counter"), 10);
  var note = document.createElement("p");
  note.className = "hint counter";
  note.setAttribute("aria-live", "polite");
  var template = document.body.getAttribute("data-counter-text");
  function update() { note.textContent = template.replace("{n}", Math.max(0, limit - area.value.length)); }
  area.insertAdjacentElement("afterend", note);
  area.addEventListener("input", update);
  update();
});
