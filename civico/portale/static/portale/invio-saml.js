// Send the signed SAML request to the identity provider at once; without JS the button does it.
document.getElementById("invio-saml")?.submit();
