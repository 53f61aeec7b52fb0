// The browser's time zone (an IANA name such as Asia/Tokyo) goes with the sign-in form, so a
// person with no zone yet sees staff times where they are; a zone already set is never replaced.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.querySelector('input[name="time_zone"]');
  if (!field) return;
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    field.value = "";  // an old browser without Intl: the profile page still sets it
  }
});
